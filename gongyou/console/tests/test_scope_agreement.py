"""Scope is computed once (core.access): the console's lists, the positions registry, coverage
and the join-QR downloads give the same answer for every persona (issue 7, part 1.3)."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import PASSWORD
from gongyou.console import security
from gongyou.core.access import (
    enterprises_in_scope,
    orgs_in_scope,
    station_in_scope,
    stations_in_scope,
    streets_in_scope,
)
from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise, Region, StaffProfile
from gongyou.core.services import create_staff, create_station
from gongyou.positions import access as positions_access
from gongyou.positions.models import ServicePosition

PERSONAS = ["superuser", "city", "district", "street", "viewer", "other_street", "station", "agent", "outsider"]

# Streets each persona looks after: a territorial office its territory, any other union none.
STREETS = {
    "superuser": "all",
    "city": "all",
    "district": "xuhui",
    "street": {"street"},
    "viewer": {"street"},
    "other_street": {"other_street"},
    "station": set(),
    "agent": set(),
    "outsider": set(),
}
# Stations: the territory's, plus those its unions sit at or whose enterprise they belong to.
STATIONS = {
    "superuser": {"station", "bare_station", "xuhui_station", "huangpu_station"},
    "city": {"station", "bare_station", "xuhui_station", "huangpu_station"},
    "district": {"station", "bare_station", "xuhui_station"},
    "street": {"station", "bare_station"},
    "viewer": {"station", "bare_station"},
    "other_street": set(),
    "station": {"station"},
    "agent": {"station"},
    "outsider": set(),
}


@pytest.fixture
def scene(world, personas, django_user_model, make_position):
    xuhui = Region.objects.filter(level=Region.Level.STREET, parent=world.street.parent)
    third = xuhui.exclude(pk__in=[world.street.pk, world.other_street.pk]).order_by("code").first()
    huangpu = Region.objects.filter(level=Region.Level.STREET, parent__code="310101").order_by("code").first()
    stations = {
        "station": world.station,
        "bare_station": world.bare_station,
        # No org of any kind sits in these streets: only a territorial office above them sees them.
        "xuhui_station": create_station(
            code="ST-101", name="远端站", enterprise=world.no_union_enterprise, street=third, actor=COMMAND
        ),
        "huangpu_station": create_station(
            code="ST-102", name="黄浦站", enterprise=world.no_union_enterprise, street=huangpu, actor=COMMAND
        ),
    }
    users = dict(personas)
    users["district"] = create_staff(
        username="district", password=PASSWORD, org=world.district, role=StaffProfile.Role.OFFICER, actor=COMMAND
    )
    users["superuser"] = django_user_model.objects.create_superuser("root", password=PASSWORD)
    users["outsider"] = django_user_model.objects.create_user("nobody", password=PASSWORD)
    make_position(name="徐家汇站点", org=world.street_fed, street=world.street)
    make_position(name="隔壁站点", org=world.other_street_fed, street=world.other_street, code="")
    make_position(name="站点分会站点", org=world.station_union, street=world.street, code="")
    return {"users": users, "stations": stations, "xuhui": set(xuhui), "world": world}


def _expected_streets(persona, scene):
    expected = STREETS[persona]
    world = scene["world"]
    if expected == "all":
        return set(Region.objects.filter(level=Region.Level.STREET))
    if expected == "xuhui":
        return scene["xuhui"]
    return {getattr(world, name) for name in expected}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_scope_question_gets_one_answer(scene, persona):
    user = scene["users"][persona]
    streets = set(streets_in_scope(user))
    assert streets == _expected_streets(persona, scene)
    assert set(positions_access.streets_for(user)) == streets  # coverage and street points

    visible = set(stations_in_scope(user))
    assert visible == {scene["stations"][name] for name in STATIONS[persona]}
    for station in scene["stations"].values():
        if station in visible:
            assert station_in_scope(user, station.pk) == station
        else:
            with pytest.raises(Http404):
                station_in_scope(user, station.pk)
        if station.street in streets:
            assert station in visible  # the territory decides stations and streets alike
    enterprises = set(enterprises_in_scope(user))
    assert {e for e in Enterprise.objects.all() if e.street in streets} <= enterprises

    orgs = set(orgs_in_scope(user).values_list("pk", flat=True))
    registry = set(positions_access.positions_for(user))
    assert registry == {p for p in ServicePosition.objects.all() if p.org_id in orgs}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"])
def test_console_pages_follow_the_same_scope(client, scene, persona):
    user = scene["users"][persona]
    client.force_login(user)
    if security.requires_totp(user):
        session = client.session
        session[security.OTP_OK] = True
        session.save()
    listing = client.get("/console/stations/").content.decode()
    for name, station in scene["stations"].items():
        expected = name in STATIONS[persona]
        download = client.get(f"/join/qr/station/{station.pk}.txt")
        assert download.status_code == (200 if expected else 404), name
        assert (station.code in listing) is expected, name
