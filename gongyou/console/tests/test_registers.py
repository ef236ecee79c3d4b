"""Registering enterprises (USCC checked, parent and relation, head flag) and delivery stations
from the console: audited services, the user's own streets and enterprises only."""

from __future__ import annotations

import pytest

from gongyou.core.models import AuditLog, Enterprise, Station
from gongyou.core.testing import make_uscc


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def _enterprise(world, **overrides):
    data = {
        "uscc": make_uscc(321),
        "name": "新登记配送有限公司",
        "industry": "food_delivery",
        "street": world.street.pk,
        "parent": world.platform.pk,
        "relation": "agent",
        "is_head": "",
    }
    data.update(overrides)
    return data


def test_a_street_officer_registers_an_enterprise_under_its_platform(street_client, world):
    response = street_client.post("/console/enterprises/new/", _enterprise(world))
    e = Enterprise.objects.get(uscc=make_uscc(321))
    assert response["Location"] == f"/console/enterprises/{e.pk}/"
    assert (e.parent, e.relation, e.street, e.district, e.is_head) == (
        world.platform,
        "agent",
        world.street,
        world.street.parent,
        False,
    )
    assert AuditLog.objects.filter(action="enterprise.create", object_id=str(e.pk)).exists()


def test_a_bad_uscc_and_a_missing_relation_are_refused_in_place(street_client, world):
    bad = street_client.post("/console/enterprises/new/", _enterprise(world, uscc="91310000123456789X"))
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    no_relation = street_client.post("/console/enterprises/new/", _enterprise(world, relation=""))
    assert no_relation.status_code == 400
    assert not Enterprise.objects.filter(uscc=make_uscc(321)).exists()


def test_a_registered_uscc_is_not_overwritten_and_other_streets_are_not_offered(street_client, world):
    taken = street_client.post(
        "/console/enterprises/new/", _enterprise(world, uscc=world.no_union_enterprise.uscc, name="改名")
    )
    assert taken.status_code == 400
    world.no_union_enterprise.refresh_from_db()
    assert world.no_union_enterprise.name == "无工会快递有限公司"
    elsewhere = street_client.post("/console/enterprises/new/", _enterprise(world, street=world.other_street.pk))
    assert elsewhere.status_code == 400 and not Enterprise.objects.filter(uscc=make_uscc(321)).exists()


def test_editing_an_enterprise_keeps_its_uscc_and_sets_the_head_flag(street_client, world):
    e = world.no_union_enterprise
    page = street_client.get(f"/console/enterprises/{e.pk}/edit/")
    assert page.status_code == 200 and e.uscc in page.content.decode()
    street_client.post(
        f"/console/enterprises/{e.pk}/edit/",
        {
            "uscc": make_uscc(999),
            "name": "无工会快递有限公司",
            "industry": "express",
            "street": world.street.pk,
            "is_head": "1",
        },
    )
    e.refresh_from_db()
    assert e.is_head and e.uscc != make_uscc(999)
    assert AuditLog.objects.filter(action="enterprise.update", object_id=str(e.pk)).exists()


def test_a_station_is_registered_in_the_officers_street(street_client, world):
    response = street_client.post(
        "/console/stations/new/",
        {
            "code": "ST-100",
            "name": "新站",
            "enterprise": world.agent.pk,
            "street": world.street.pk,
            "address": "某路1号",
        },
    )
    assert response.status_code == 302
    station = Station.objects.get(code="ST-100")
    assert (station.enterprise, station.street, station.address) == (world.agent, world.street, "某路1号")
    assert AuditLog.objects.filter(action="station.create", object_id=str(station.pk)).exists()
    duplicate = street_client.post(
        "/console/stations/new/",
        {"code": "ST-100", "name": "又一站", "enterprise": world.agent.pk, "street": world.street.pk},
    )
    assert duplicate.status_code == 400


def test_registering_a_station_records_the_point_picked_on_the_map(street_client, world):
    page = street_client.get("/console/stations/new/")
    assert 'id="pos-pick-map"' in page.content.decode() and "picker.js" in page.content.decode()
    street_client.post(
        "/console/stations/new/",
        {"code": "ST-101", "name": "带位置的站", "enterprise": world.agent.pk, "street": world.street.pk,
         "lng": "121.437", "lat": "31.195", "crs": "wgs84"},
    )  # fmt: skip
    station = Station.objects.get(code="ST-101")
    assert (station.lng, station.lat) == (121.437, 31.195)


def test_editing_a_station_changes_name_street_address_and_location_but_not_code_or_enterprise(street_client, world):
    station = world.bare_station
    page = street_client.get(f"/console/stations/{station.pk}/edit/")
    assert page.status_code == 200 and 'id="pos-pick-map"' in page.content.decode()
    response = street_client.post(
        f"/console/stations/{station.pk}/edit/",
        {"code": "CHANGED", "name": "漕河泾新站", "enterprise": world.agent.pk, "street": world.street.pk,
         "address": "漕溪北路1号", "lng": "121.4400", "lat": "31.1900", "crs": "gcj02"},
    )  # fmt: skip
    assert response.status_code == 302
    station.refresh_from_db()
    assert (station.code, station.enterprise, station.name, station.address) == (
        "ST-002", world.no_union_enterprise, "漕河泾新站", "漕溪北路1号",
    )  # fmt: skip
    # GCJ-02 from the picker is stored as WGS-84: a few hundred metres to the west in Shanghai.
    assert 121.433 < station.lng < 121.437 and 31.190 < station.lat < 31.194
    entry = AuditLog.objects.get(action="station.update", object_id=str(station.pk))
    assert entry.before["name"] == "漕河泾站" and entry.after["name"] == "漕河泾新站"
    # Saving the same values again changes nothing and writes no audit row.
    street_client.post(
        f"/console/stations/{station.pk}/edit/",
        {"name": "漕河泾新站", "street": world.street.pk, "address": "漕溪北路1号",
         "lng": f"{station.lng:.7f}", "lat": f"{station.lat:.7f}", "crs": "wgs84"},
    )  # fmt: skip
    assert AuditLog.objects.filter(action="station.update", object_id=str(station.pk)).count() == 1


def test_a_station_edit_refuses_a_half_point_and_another_officers_street(street_client, world, client, personas):
    station = world.bare_station
    half = street_client.post(
        f"/console/stations/{station.pk}/edit/", {"name": "站", "street": world.street.pk, "lng": "121.44", "lat": ""}
    )
    assert half.status_code == 400 and "field-error" in half.content.decode()
    moved = street_client.post(f"/console/stations/{station.pk}/edit/", {"name": "站", "street": world.other_street.pk})
    assert moved.status_code == 400
    station.refresh_from_db()
    assert station.name == "漕河泾站" and station.street == world.street
    client.force_login(personas["other_street"])
    assert client.get(f"/console/stations/{station.pk}/edit/").status_code == 404
