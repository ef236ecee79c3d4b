"""The gap list (建会盲区和空白点): who is on it, in what order, for whom; and founding tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.core.actors import COMMAND
from gongyou.insight.gaps import (
    clamp_limit,
    counts_day,
    memberless_unions,
    unionless_contract,
    unionless_enterprises,
    unionless_stations,
)
from gongyou.insight.services import open_founding_tasks
from gongyou.insight.snapshots import rebuild
from gongyou.insight.tests.conftest import found_union, roster
from gongyou.members.models import FoundingTask


def names(qs):
    return [e.name for e in qs]


def test_the_city_sees_every_active_target_enterprise_without_a_union_ranked(gaps, personas):
    found = list(unionless_enterprises(personas["city"]))
    assert [e.name for e in found[:3]] == ["登记企业1", "登记企业2", "登记企业3"]
    assert (found[1].roster_workers, found[2].individual_members) == (3, 2)
    listed = set(names(found))
    assert {"登记企业5", "登记企业6", "登记企业7", "无工会快递有限公司"} <= listed
    # Left the register, outside the target industries, or with a union: never a gap.
    assert not listed & {"登记企业8", "登记企业9", "示例外卖平台有限公司", "示例配送代理有限公司"}


def test_head_first_then_roster_workers_then_individual_members(gaps, personas):
    order = names(unionless_enterprises(personas["city"]))
    assert order.index("登记企业1") < order.index("登记企业2") < order.index("登记企业3") < order.index("登记企业4")


def test_a_street_federation_sees_its_street_and_a_district_federation_its_district(gaps, personas):
    street = set(names(unionless_enterprises(personas["street"])))
    assert {"登记企业1", "登记企业4"} <= street
    assert not street & {"登记企业5", "登记企业6", "登记企业7"}
    district = set(names(unionless_enterprises(gaps.district_user)))
    assert {"登记企业1", "登记企业5", "登记企业6"} <= district and "登记企业7" not in district
    # A station union has no territory: no gap list.
    assert not unionless_enterprises(personas["station"]).exists()


def test_filters_by_district_street_and_industry(gaps, personas):
    city = personas["city"]
    assert names(unionless_enterprises(city, district="310115")) == ["登记企业7"]
    assert "登记企业6" in names(unionless_enterprises(city, street="310104004"))
    assert "登记企业6" not in names(unionless_enterprises(city, street="310104014"))
    assert not unionless_enterprises(city, industry="ride_hailing").exists()


def test_founding_a_union_takes_the_enterprise_off_the_list(gaps, personas, world):
    found_union(gaps.plain, world.street_fed)
    assert "登记企业4" not in names(unionless_enterprises(personas["city"]))
    # …onto the list of unions without members.
    assert "登记企业4" in names(memberless_unions(personas["street"]))


def test_stations_without_a_union(world, personas):
    assert list(unionless_stations(personas["street"])) == [world.bare_station]


def test_founding_tasks_go_to_the_street_federation_or_the_district_where_the_street_is_unknown(gaps, world):
    result = open_founding_tasks([gaps.head, gaps.district_only], actor=COMMAND)
    assert [(t.enterprise, t.federation) for t in result.opened] == [
        (gaps.head, world.street_fed),
        (gaps.district_only, world.district),
    ]
    again = open_founding_tasks([gaps.head, gaps.other_district], actor=COMMAND)
    assert again.already_open == [result.opened[0]] and again.unassigned == [gaps.other_district]
    assert FoundingTask.objects.filter(enterprise=gaps.head, status="open").count() == 1


def test_the_api_contract_answers_in_ranking_order_within_scope(gaps, personas, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = unionless_contract(gaps.district_user, district="310104", industry="express", limit="2")
    assert body["count"] >= 6 and len(body["results"]) == 2
    assert body["results"][0] == {
        "uscc": gaps.head.uscc,
        "name": "登记企业1",
        "industry": "express",
        "district_code": "310104",
        "street_code": "310104014",
        "is_head": True,
        "roster_workers": 0,
        "individual_members": 0,
    }
    assert body["results"][1]["roster_workers"] == 3
    # A district outside the caller's territory answers nothing, not an error.
    assert unionless_contract(gaps.district_user, district="310115") == {"results": [], "count": 0}
    street_only = unionless_contract(personas["street"], limit=5000)
    assert {r["street_code"] for r in street_only["results"]} == {"310104014"}


def test_limit_is_clamped():
    assert (clamp_limit(None), clamp_limit("x"), clamp_limit(0), clamp_limit(5000), clamp_limit("7")) == (
        100,
        100,
        1,
        1000,
        7,
    )


def ranked(user):
    return [(e.name, e.roster_workers, e.individual_members) for e in unionless_enterprises(user)]


@pytest.mark.django_db
def test_after_a_rebuild_the_counts_come_from_the_snapshot_and_the_list_stays_live(gaps, personas, world, client):
    city = personas["city"]
    live = ranked(city)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rebuild(through=yesterday)
    assert counts_day() == yesterday
    assert ranked(city) == live  # the snapshot counts what the live query counts
    # New roster rows wait for the next rebuild (the counts are the snapshot's)…
    roster(gaps.plain, 5)
    assert ranked(city) == live
    # …but who is on the list is decided now.
    found_union(gaps.rostered, world.street_fed)
    assert "登记企业2" not in names(unionless_enterprises(city))
    rebuild(through=timezone.localdate())
    fresh = {name: (workers, members) for name, workers, members in ranked(city)}
    assert fresh["登记企业4"] == (5, 0) and fresh["登记企业3"] == (0, 2)
    client.force_login(city)
    page = client.get("/console/gaps/").content.decode()
    assert f"截至 {timezone.localdate():%Y-%m-%d} 每日快照" in page


@pytest.mark.django_db
def test_before_the_first_rebuild_the_page_says_it_counts_live(gaps, personas, client):
    assert counts_day() is None
    client.force_login(personas["city"])
    assert "为此刻数值" in client.get("/console/gaps/").content.decode()
