"""Collective agreements: cleaning, status moving forward only, the region rule, and coverage of
agreements in force by district and industry, hand-counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Enterprise, Region
from gongyou.voice.inputs import clean_agreement
from gongyou.voice.models import Agreement
from gongyou.voice.queries import coverage
from gongyou.voice.services import create_agreement, update_agreement

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def data(region, **over):
    base = {
        "title": "外卖行业工资集体协议", "kind": "industry", "industry": "food_delivery", "region": str(region.pk),
        "employer_side": "区餐饮行业协会", "status": "signed", "signed_on": "2026-01-01", "effective_from": "2026-01-01",
        "effective_to": "2026-12-31", "workers_covered": "100",
    }  # fmt: skip
    base.update(over)
    return clean_agreement(
        base, over.pop("subjects", ["pay", "working_time"]) if "subjects" in over else ["pay", "working_time"]
    )


def make(org, region, enterprises=(), **over):
    return create_agreement(
        org, data(region, **over), Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]), actor=COMMAND
    )


def test_a_signed_agreement_needs_its_dates_and_ends_after_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        clean_agreement({"title": "x", "kind": "regional", "industry": "express", "region": str(world.street.pk),
                         "employer_side": "y", "status": "signed", "effective_to": "2020-01-01"}, ["pay"])  # fmt: skip
    assert codes(exc) == {"signed_on": ["required"], "effective_from": ["required"]}
    with pytest.raises(ValidationError) as exc:
        data(world.street, effective_from="2026-02-01", effective_to="2026-01-01", workers_covered="-3")
    assert codes(exc) == {"effective_to": ["ends_before_start"], "workers_covered": ["bad_number"]}
    with pytest.raises(ValidationError) as exc:
        clean_agreement({"title": "x", "kind": "x", "industry": "x", "region": "", "employer_side": ""}, ["bogus"])
    assert set(codes(exc)) == {"kind", "industry", "region", "subjects", "employer_side"}


def test_an_org_negotiates_only_for_its_own_region(world):
    with pytest.raises(ValidationError) as exc:
        make(world.street_fed, world.other_street)
    assert codes(exc) == {"region": ["region_out_of_scope"]}
    assert make(world.district, world.street).region == world.street  # a district for its street
    assert make(world.city, world.street).region == world.street


def test_status_moves_forward_only_and_every_change_is_audited(world):
    agreement = make(
        world.street_fed, world.street, status="proposed", signed_on="", effective_from="", effective_to=""
    )
    agreement = update_agreement(
        agreement,
        data(world.street, status="negotiating", signed_on="", effective_from=""),
        Enterprise.objects.none(),
        actor=COMMAND,
    )
    agreement = update_agreement(
        agreement, data(world.street), Enterprise.objects.filter(pk=world.platform.pk), actor=COMMAND
    )
    assert agreement.status == "signed" and list(agreement.enterprises.all()) == [world.platform]
    with pytest.raises(ValidationError) as exc:
        update_agreement(agreement, data(world.street, status="negotiating"), Enterprise.objects.none(), actor=COMMAND)
    assert codes(exc) == {"status": ["invalid_transition"]}
    assert AuditLog.objects.filter(object_type="voice.agreement").count() == 3


def test_in_force_means_signed_started_and_not_expired(world):
    signed = make(world.street_fed, world.street)
    assert (
        signed.in_force(TODAY)
        and not signed.in_force(dt.date(2025, 12, 31))
        and not signed.in_force(dt.date(2027, 1, 1))
    )
    negotiating = make(world.street_fed, world.street, status="negotiating")
    assert not negotiating.in_force(TODAY)


def test_coverage_by_district_and_industry_counts_agreements_in_force(world):
    xuhui = Region.objects.get(code="310104")
    huangpu = Region.objects.get(code="310101")
    # 徐汇 × 网约送餐: a street agreement (100 workers, platform + agent) and a district one (250, platform again)
    make(world.street_fed, world.street, [world.platform, world.agent])
    make(world.district, xuhui, [world.platform], workers_covered="250", effective_to="")
    # 徐汇 × 快递物流: the other street, 40 workers
    make(
        world.other_street_fed,
        world.other_street,
        [world.no_union_enterprise],
        industry="express",
        workers_covered="40",
        kind="regional",
    )
    # Not counted: expired, not yet in force, still negotiating, failed
    make(world.street_fed, world.street, workers_covered="999", effective_from="2025-01-01", effective_to="2025-12-31")
    make(world.street_fed, world.street, workers_covered="999", effective_from="2026-07-01")
    make(world.street_fed, world.street, workers_covered="999", status="negotiating", signed_on="", effective_from="")
    # 全市 × 网约车: a city-wide agreement, its own row
    make(world.city, Region.objects.get(code="310000"), industry="ride_hailing", workers_covered="5000")
    # 黄浦 × 快递物流 (the city negotiates for another district)
    make(world.city, huangpu, industry="express", workers_covered="7")
    rows = [
        (r.district, r.industry, r.agreements, r.enterprises, r.workers)
        for r in coverage(Agreement.objects.all(), TODAY)
    ]
    assert rows == [
        ("全市", "ride_hailing", 1, 0, 5000),
        ("黄浦区", "express", 1, 0, 7),
        ("徐汇区", "express", 1, 1, 40),
        ("徐汇区", "food_delivery", 2, 2, 350),
    ]


def test_coverage_follows_the_staff_scope(world):
    from gongyou.core.services import create_staff
    from gongyou.voice.access import agreements_in_scope

    make(world.street_fed, world.street)
    make(world.other_street_fed, world.other_street, industry="express", workers_covered="40")
    user = create_staff(
        username="s", password="Gongyou-test-2026!", org=world.street_fed, role="officer", actor=COMMAND
    )
    rows = coverage(agreements_in_scope(user), TODAY)
    assert [(r.industry, r.workers) for r in rows] == [("food_delivery", 100)]


def test_the_workers_on_the_covered_enterprises_rosters_are_counted_once_within_the_region(world):
    from gongyou.core.actors import Actor
    from gongyou.core.testing import make_id_number, make_phone
    from gongyou.members.roster import upsert_roster
    from gongyou.voice.queries import roster_workers_covered

    district = world.street.parent
    elsewhere = Region.objects.filter(level=Region.Level.STREET).exclude(parent=district).order_by("code").first()

    def row(seq, street, *, active=True, prefix="R"):
        return {
            "external_id": f"{prefix}{seq}", "name": f"骑手{seq}", "id_number": make_id_number(seq), "phone": make_phone(seq),
            "street_code": street.code, "labor_relation": "independent", "industry": "food_delivery", "active": active,
        }  # fmt: skip

    upsert_roster(world.platform, [row(1, world.street), row(2, world.other_street), row(3, elsewhere), row(4, world.street, active=False)],
                  actor=Actor.partner(world.platform))  # fmt: skip
    # Worker 1 is on the agent's roster too: one person, counted once.
    upsert_roster(world.agent, [row(1, world.street, prefix="A"), row(5, world.street, prefix="A")], actor=Actor.partner(world.agent))
    district_wide = make(world.district, district, [world.platform, world.agent])
    street_only = make(world.street_fed, world.street, [world.platform])
    city_wide = make(world.city, world.city.region, [world.platform])
    assert roster_workers_covered(district_wide) == 3  # 1, 2 and 5 (3 works elsewhere, 4 left)
    assert roster_workers_covered(street_only) == 1
    assert roster_workers_covered(city_wide) == 3  # 1, 2, 3


def test_the_roster_check_is_shared_for_the_coverage_window(world, settings):
    from gongyou.core.actors import Actor
    from gongyou.core.testing import make_id_number, make_phone
    from gongyou.members.roster import upsert_roster
    from gongyou.voice.queries import roster_workers_covered

    def push(seq):
        row = {"external_id": f"S{seq}", "name": f"骑手{seq}", "id_number": make_id_number(seq), "phone": make_phone(seq),
               "street_code": world.street.code, "labor_relation": "independent", "industry": "food_delivery"}  # fmt: skip
        upsert_roster(world.platform, [row], actor=Actor.partner(world.platform))

    agreement = make(world.street_fed, world.street, [world.platform])
    push(1)
    settings.GONGYOU = {**settings.GONGYOU, "COVERAGE_SECONDS": 600}
    assert roster_workers_covered(agreement) == 1
    push(2)
    assert roster_workers_covered(agreement) == 1  # the shared copy, up to ten minutes old
    settings.GONGYOU = {**settings.GONGYOU, "COVERAGE_SECONDS": 0}
    assert roster_workers_covered(agreement) == 2
