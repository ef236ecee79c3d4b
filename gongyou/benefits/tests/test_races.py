"""Concurrency of hand-outs and bookings with real threads and connections (pattern of
members/tests/test_races.py); run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.appointments import book_appointment, create_slot
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.models import Allocation, AppointmentSlot, Campaign, Claim, ServiceEvent
from gongyou.benefits.services import allocate_quota, claim_benefit, create_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.services import load_regions
from gongyou.core.testing import build_world, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership
from gongyou.members.services import join
from gongyou.members.tests.test_races import run_concurrently


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def members(n: int) -> list[Membership]:
    return [join(clean_worker(worker_data(500 + i)), channel="online", actor=Actor.worker()).membership for i in range(n)]


def codes(errors: list[BaseException]) -> list[str]:
    assert all(isinstance(e, Refused) for e in errors), errors
    return sorted({e.code for e in errors})  # type: ignore[attr-defined]


def test_thirty_simultaneous_claims_of_one_member_make_one_hand_out(tworld):
    campaign = create_campaign(clean_campaign(campaign_data()), org=tworld.city, actor=COMMAND)
    (m,) = members(1)
    orgs = [tworld.street_fed, tworld.station_union, tworld.other_street_fed]
    results, errors = run_concurrently(30, lambda i: claim_benefit(campaign, member_no=m.member_no, org=orgs[i % 3], actor=COMMAND).pk)
    assert len(results) == 1 and len(errors) == 29
    assert codes(errors) == ["already_claimed"]
    assert Claim.objects.count() == 1 and ServiceEvent.objects.count() == 1
    assert Campaign.objects.get(pk=campaign.pk).used == 1


@pytest.mark.parametrize("allocated", [False, True])
def test_twenty_members_racing_for_a_quota_of_five_get_exactly_five(tworld, allocated):
    campaign = create_campaign(clean_campaign(campaign_data(quota=5 if not allocated else 50)), org=tworld.city, actor=COMMAND)
    if allocated:
        allocate_quota(campaign, org=tworld.street_fed, quota=5, actor=COMMAND)
    people = members(20)
    results, errors = run_concurrently(20, lambda i: claim_benefit(campaign, member_no=people[i].member_no, org=tworld.street_fed, actor=COMMAND).pk)
    assert len(results) == 5 and codes(errors) == ["quota_exhausted"]
    assert Claim.objects.count() == 5
    pool = Allocation.objects.get() if allocated else Campaign.objects.get(pk=campaign.pk)
    assert pool.used == 5


def test_a_slot_is_never_overbooked(tworld):
    start = timezone.now() + dt.timedelta(days=3)
    slot = create_slot(kind="physical_exam", org=tworld.street_fed, place="社区卫生服务中心", starts_at=start,
                       ends_at=start + dt.timedelta(hours=1), capacity=4, actor=COMMAND)
    people = members(12)
    results, errors = run_concurrently(12, lambda i: book_appointment(slot, people[i], actor=Actor.worker()).pk)
    assert len(results) == 4 and codes(errors) == ["slot_full"]
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 4


def test_simultaneous_first_services_of_one_person_count_them_once(tworld):
    """Twelve services of one person recorded at once, at times in a random order (so some are
    "earlier than the first so far"): one first service of the year, one person in the tallies."""
    from django.db import transaction

    from gongyou.benefits.events import record_service_event
    from gongyou.benefits.models import FirstService, ServedDay
    from gongyou.benefits.queries import people_served

    (m,) = members(1)
    base = timezone.make_aware(dt.datetime(2025, 3, 1, 12, 0))
    offsets = [5, 2, 9, 0, 7, 3, 11, 1, 8, 4, 10, 6]

    def record(i: int) -> int:
        with transaction.atomic():
            kind = ("handout", "checkin")[i % 2]
            at = base + dt.timedelta(days=offsets[i])
            return record_service_event(person=m.person, kind=kind, org=tworld.street_fed, at=at, source_id=9000 + i).pk

    results, errors = run_concurrently(12, record)
    assert not errors and len(results) == 12
    assert FirstService.objects.get(kind="").first_at == base
    assert sum(ServedDay.objects.filter(kind="").values_list("new_people", flat=True)) == 1
    served = people_served(None, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (served.people_served, served.events, served.by_kind) == (1, 12, {"handout": 1, "checkin": 1})
