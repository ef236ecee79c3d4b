"""Every branch of the joining rule (SPEC §3)."""

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND
from gongyou.core.models import Org, Region
from gongyou.core.services import create_org
from gongyou.members.routing import resolve_union
from gongyou.members.work import WorkContext


def route(world, **kw):
    args = {"street": world.street, "industry": "food_delivery", "labor_relation": "independent", "employer": None, "station": None}
    args.update(kw)
    return resolve_union(WorkContext(**args))


def test_employee_of_unionised_employer_joins_employer_union(world):
    r = route(world, labor_relation="employee", employer=world.platform)
    assert r.union == world.platform_union
    assert r.mode == "employer"
    assert world.platform.name in r.reason


def test_employee_at_station_joins_station_union_under_employer_union(world):
    r = route(world, labor_relation="employee", employer=world.agent, station=world.station)
    assert r.union == world.station_union
    assert r.mode == "employer"
    assert "徐家汇站" in r.reason


def test_employee_of_unionised_employer_at_other_enterprises_station_gets_employer_union(world):
    r = route(world, labor_relation="employee", employer=world.platform, station=world.station)
    assert r.union == world.platform_union


def test_employee_of_employer_without_union_joins_individually(world):
    r = route(world, labor_relation="employee", employer=world.no_union_enterprise, industry="express")
    assert r.union == world.street_union_express
    assert r.mode == "individual"
    assert "尚未建会" in r.reason


def test_individual_at_station_with_union_joins_station_union(world):
    r = route(world, station=world.station)
    assert r.union == world.station_union
    assert r.mode == "individual"


def test_union_group_chosen_when_station_has_only_a_group(world):
    group = create_org(
        name="漕河泾站工会小组", kind=Org.Kind.UNION_GROUP, region=world.street, parent=world.street_union_express,
        second_manager=world.agent_union, station=world.bare_station, actor=COMMAND,
    )
    assert route(world, station=world.bare_station).union == group


def test_station_union_preferred_over_group(world):
    create_org(
        name="徐家汇站工会小组", kind=Org.Kind.UNION_GROUP, region=world.street, parent=world.station_union,
        second_manager=world.agent_union, station=world.station, actor=COMMAND,
    )
    assert route(world, station=world.station).union == world.station_union


def test_individual_joins_street_union_of_matching_industry(world):
    assert route(world, industry="food_delivery").union == world.street_union_food
    assert route(world, industry="express").union == world.street_union_express


def test_individual_without_matching_industry_joins_any_street_union(world):
    r = route(world, industry="ride_hailing")
    assert r.union == world.street_union_food  # the first street union of the street
    assert "没有" in r.reason


def test_street_without_street_union_falls_back_to_federation(world):
    street = Region.objects.get(code="310104012")
    fed = create_org(name="兜底街道总工会", kind=Org.Kind.STREET_FEDERATION, region=street, parent=world.district, actor=COMMAND)
    r = route(world, street=street)
    assert r.union == fed
    assert "兜底" in r.reason


def test_street_without_any_union_is_a_clear_error(world):
    street = Region.objects.get(code="310104013")
    with pytest.raises(ValidationError) as info:
        route(world, street=street)
    assert info.value.error_dict["street_code"][0].code == "no_union_for_street"


def test_dissolved_unions_are_skipped(world):
    Org.objects.filter(pk=world.street_union_food.pk).update(status=Org.Status.DISSOLVED)
    assert route(world, industry="food_delivery").union == world.street_union_express
