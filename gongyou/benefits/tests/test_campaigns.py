from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongyou.benefits.eligibility import ineligibility
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.models import Allocation, Campaign, Claim, ServiceEvent
from gongyou.benefits.services import allocate_quota, claim_benefit, close_campaign, pool_for, publish_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.members.cards import card_token
from gongyou.members.models import Membership


def test_clean_campaign_collects_every_error(regions):
    with pytest.raises(ValidationError) as info:
        clean_campaign({"kind": "x", "title": "", "starts_at": "bad", "ends_at": "2026-01-01T00:00+08:00", "quota": -1,
                        "audience": {"industries": ["nope"], "region_codes": ["31010", "999999999"], "min_member_days": 1.5}})
    codes = {k: [e.code for e in v] for k, v in info.value.error_dict.items()}
    assert codes == {"kind": ["bad_kind"], "title": ["required"], "starts_at": ["invalid"], "quota": ["invalid"],
                     "industries": ["bad_choice"], "region_codes": ["unknown_region"], "min_member_days": ["invalid"]}


def test_clean_campaign_defaults_to_published_and_empty_audience(regions):
    clean = clean_campaign(campaign_data(audience={"region_codes": ["310104", "310104014"]}))
    assert clean.status == "published"
    assert clean.audience.industries == [] and clean.audience.region_codes == ["310104", "310104014"]
    with pytest.raises(ValidationError):
        clean_campaign(campaign_data(ends_at=campaign_data()["starts_at"]))


@pytest.mark.parametrize(
    ("audience", "member", "days_ago", "status", "expected"),
    [
        ({}, {}, 0, "active", None),
        ({}, {}, 0, "suspended", "status"),
        ({"industries": ["express"]}, {}, 0, "active", "industry"),
        ({"industries": ["express", "food_delivery"]}, {}, 0, "active", None),
        ({"region_codes": ["310101"]}, {}, 0, "active", "region"),
        ({"region_codes": ["310104"]}, {}, 0, "active", None),
        ({"region_codes": ["310104014"]}, {}, 0, "active", None),
        ({"region_codes": ["310104004"]}, {}, 0, "active", "region"),
        ({"labor_relations": ["employee"]}, {}, 0, "active", "labor_relation"),
        ({"labor_relations": ["independent"]}, {}, 0, "active", None),
        ({"min_member_days": 30}, {}, 29, "active", "too_new"),
        ({"min_member_days": 30}, {}, 31, "active", None),
        ({"industries": ["express"], "min_member_days": 30}, {}, 0, "suspended", "status"),
        ({"industries": ["express"], "region_codes": ["310101"]}, {}, 0, "active", "industry"),
    ],
)
def test_audience_rules(world, make_campaign, make_member, audience, member, days_ago, status, expected):
    campaign = make_campaign(audience=audience)
    membership = make_member(1, **member)
    now = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(status=status, joined_at=now - dt.timedelta(days=days_ago))
    membership = Membership.objects.select_related("person__work_street").get(pk=membership.pk)
    assert ineligibility(campaign, membership, now=now) == expected


def refusal(fn, **kw) -> Refused:
    with pytest.raises(Refused) as info:
        fn(**kw)
    return info.value


def test_a_hand_out_is_recorded_with_its_event_and_audit(world, make_campaign, make_member):
    campaign = make_campaign()
    m = make_member(1)
    claim = claim_benefit(campaign, member_no=m.member_no, org=world.street_fed, actor=COMMAND)
    assert claim.person == m.person and claim.org == world.street_fed and claim.allocation is None
    campaign.refresh_from_db()
    assert campaign.used == 1
    event = ServiceEvent.objects.get()
    assert (event.kind, event.person_id, event.org_id, event.source_id) == ("handout", m.person_id, world.street_fed.pk, claim.pk)
    assert event.street_id == m.person.work_street_id
    assert AuditLog.objects.filter(action="campaign.claim", object_id=str(claim.pk), org=world.street_fed).exists()


def test_second_claim_names_date_and_place(world, make_campaign, make_member):
    campaign = make_campaign()
    m = make_member(1)
    claim_benefit(campaign, member_no=m.member_no, org=world.station_union, actor=COMMAND)
    r = refusal(claim_benefit, campaign=campaign, member_no=m.member_no, org=world.street_fed, actor=COMMAND)
    assert r.code == "already_claimed" and r.conflict
    assert world.station_union.name in r.text and f"{timezone.localdate():%Y-%m-%d}" in r.text
    assert Claim.objects.count() == 1


def test_the_database_refuses_a_second_claim(world, make_campaign, make_member):
    campaign = make_campaign()
    m = make_member(1)
    claim = claim_benefit(campaign, member_no=m.member_no, org=world.street_fed, actor=COMMAND)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(campaign=campaign, person=m.person, membership=m, org=world.city, claimed_at=claim.claimed_at)


def test_refusals(world, make_campaign, make_member):
    m = make_member(1)
    r = refusal(claim_benefit, campaign=make_campaign(industries=None, audience={"industries": ["express"]}), member_no=m.member_no, org=world.city, actor=COMMAND)
    assert (r.code, r.reason) == ("not_eligible", "industry")
    closed = make_campaign()
    close_campaign(closed, actor=COMMAND)
    assert refusal(claim_benefit, campaign=Campaign.objects.get(pk=closed.pk), member_no=m.member_no, org=world.city, actor=COMMAND).code == "campaign_closed"
    now = timezone.now()
    late = make_campaign(starts_at=(now - dt.timedelta(days=9)).isoformat(), ends_at=(now - dt.timedelta(days=2)).isoformat())
    assert late.status == "published"
    assert refusal(claim_benefit, campaign=late, member_no=m.member_no, org=world.city, actor=COMMAND).code == "campaign_closed"
    draft = make_campaign(status="draft")
    assert refusal(claim_benefit, campaign=draft, member_no=m.member_no, org=world.city, actor=COMMAND).code == "campaign_closed"
    publish_campaign(draft, actor=COMMAND)
    assert claim_benefit(Campaign.objects.get(pk=draft.pk), member_no=m.member_no, org=world.city, actor=COMMAND)
    empty = make_campaign(quota=0)
    r = refusal(claim_benefit, campaign=empty, member_no=m.member_no, org=world.city, actor=COMMAND)
    assert r.code == "quota_exhausted" and r.conflict
    assert refusal(claim_benefit, campaign=make_campaign(), member_no="NOPE", org=world.city, actor=COMMAND).code == "member_not_found"


def test_claim_by_card_text(world, make_campaign, make_member, settings):
    campaign = make_campaign()
    m = make_member(1)
    url = f"https://gongyou.example/verify/{card_token(m.pk)}/"
    assert claim_benefit(campaign, card=url, org=world.city, actor=COMMAND).membership == m
    assert refusal(claim_benefit, campaign=make_campaign(), card="https://x/verify/garbage/", org=world.city, actor=COMMAND).code == "card_invalid"
    token = card_token(m.pk)
    later = timezone.now() + dt.timedelta(minutes=10)
    import time

    real = time.time
    try:
        time.time = lambda: real() + 600  # the signer's clock: the token is 10 minutes old
        assert refusal(claim_benefit, campaign=make_campaign(), card=token, org=world.city, actor=COMMAND, now=later).code == "card_expired"
    finally:
        time.time = real


def test_allocations_go_down_the_tree_and_never_exceed_the_parent(world, make_campaign, make_member, make_position):
    campaign = make_campaign(quota=10)
    district = allocate_quota(campaign, org=world.district, quota=6, actor=COMMAND)
    street = allocate_quota(campaign, org=world.street_fed, quota=4, actor=COMMAND)
    assert street.parent == district
    r = refusal(allocate_quota, campaign=campaign, org=world.other_street_fed, quota=3, actor=COMMAND)
    assert r.code == "exceeds_parent"
    allocate_quota(campaign, org=world.other_street_fed, quota=2, actor=COMMAND)
    position = make_position(org=world.street_fed)
    pos = allocate_quota(campaign, position=position, quota=1, actor=COMMAND)
    assert pos.parent == street
    assert refusal(allocate_quota, campaign=campaign, org=world.district, quota=11, actor=COMMAND).code == "exceeds_parent"
    assert refusal(allocate_quota, campaign=campaign, org=world.district, quota=5, actor=COMMAND).code == "below_used"
    allocate_quota(campaign, org=world.district, quota=10, actor=COMMAND)
    campaign.refresh_from_db()
    assert (campaign.allocated, campaign.used) == (10, 0)
    # a hand-out at the position draws on the position's share, then it is spent
    m1, m2 = make_member(1), make_member(2)
    assert claim_benefit(campaign, member_no=m1.member_no, org=world.street_fed, position=position, actor=COMMAND).allocation == pos
    assert refusal(claim_benefit, campaign=campaign, member_no=m2.member_no, org=world.street_fed, position=position, actor=COMMAND).code == "quota_exhausted"
    # the station union sits under the street federation: it draws on the street's share
    assert pool_for(campaign, org=world.station_union) == street
    assert claim_benefit(campaign, member_no=m2.member_no, org=world.station_union, actor=COMMAND).allocation == street
    assert Allocation.objects.get(pk=street.pk).used == 1
    # the city has no allocation: it draws on the campaign's total, which is all allocated
    assert refusal(claim_benefit, campaign=campaign, member_no=make_member(3).member_no, org=world.city, actor=COMMAND).code == "quota_exhausted"


def test_allocation_outside_the_organisers_scope_is_refused(world, make_campaign):
    campaign = make_campaign(org=world.street_fed)
    assert refusal(allocate_quota, campaign=campaign, org=world.other_street_fed, quota=1, actor=COMMAND).code == "out_of_scope"


def test_the_database_refuses_an_overspent_pool(world, make_campaign):
    campaign = make_campaign(quota=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(used=2)


def test_allocating_bottom_up_builds_the_same_tree(world, make_campaign, make_member, make_position):
    """A street's share made before its district's: the district's share takes it under it (and
    must cover it), and a hand-out in the street still draws on the street's own share."""
    campaign = make_campaign(quota=10)
    position = make_position(org=world.street_union_food)
    pos = allocate_quota(campaign, position=position, quota=1, actor=COMMAND)
    street = allocate_quota(campaign, org=world.street_fed, quota=4, actor=COMMAND)
    assert Allocation.objects.get(pk=pos.pk).parent == street and street.allocated == 1
    assert refusal(allocate_quota, campaign=campaign, org=world.district, quota=3, actor=COMMAND).code == "below_used"
    district = allocate_quota(campaign, org=world.district, quota=6, actor=COMMAND)
    street.refresh_from_db()
    district.refresh_from_db()
    campaign.refresh_from_db()
    assert street.parent == district and (district.allocated, campaign.allocated) == (4, 6)
    assert pool_for(campaign, org=world.street_fed) == street
    assert pool_for(campaign, org=world.station_union) == street
    assert pool_for(campaign, org=world.other_street_fed) == district
    assert pool_for(campaign, org=world.city, position=position) == pos
    # the district can give the other street only what it has left: 6 - 4
    assert refusal(allocate_quota, campaign=campaign, org=world.other_street_fed, quota=3, actor=COMMAND).code == "exceeds_parent"
    allocate_quota(campaign, org=world.other_street_fed, quota=2, actor=COMMAND)
    claim = claim_benefit(campaign, member_no=make_member(1).member_no, org=world.street_fed, actor=COMMAND)
    assert claim.allocation == street and Allocation.objects.get(pk=street.pk).used == 1


def test_a_hand_out_without_its_own_allocation_draws_on_the_nearest_above(world, make_campaign, make_member, make_position):
    campaign = make_campaign(quota=10)
    district = allocate_quota(campaign, org=world.district, quota=5, actor=COMMAND)
    street_pos = make_position(org=world.street_fed, name="徐家汇街道服务站")
    union_pos = make_position(org=world.street_union_food, name="外卖工会服务点")
    # no allocation for the street, the union or either position: the district's share
    first = claim_benefit(campaign, member_no=make_member(1).member_no, org=world.street_union_food, position=union_pos, actor=COMMAND)
    assert first.allocation == district
    street = allocate_quota(campaign, org=world.street_fed, quota=2, actor=COMMAND)
    # the city hands out at a position of a union under the street: the street's share
    second = claim_benefit(campaign, member_no=make_member(2).member_no, org=world.city, position=union_pos, actor=COMMAND)
    third = claim_benefit(campaign, member_no=make_member(3).member_no, org=world.street_union_food, position=street_pos, actor=COMMAND)
    assert second.allocation == third.allocation == street
    assert refusal(
        claim_benefit, campaign=campaign, member_no=make_member(4).member_no, org=world.station_union, actor=COMMAND
    ).code == "quota_exhausted"  # the street's share is spent; it does not spill into the district's
    district.refresh_from_db()
    assert (district.used, district.allocated, Allocation.objects.get(pk=street.pk).used) == (1, 2, 2)
