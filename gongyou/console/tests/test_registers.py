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
