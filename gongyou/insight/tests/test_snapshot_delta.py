"""Snapshot + today's delta equals a live count after random changes (hypothesis): members joining,
withdrawing, being suspended and reinstated, people being served, cases submitted, accepted and
resolved — in two streets."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongyou.benefits.events import record_service_event
from gongyou.benefits.models import ServiceEvent
from gongyou.cases.inputs import clean_case
from gongyou.cases.models import Case
from gongyou.cases.services import accept_case, resolve_case, submit_case
from gongyou.cases.tests.conftest import case_data
from gongyou.cases.vocab import OPEN_STATUSES, CaseStatus
from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.insight.indicators import MEMBER_STATUSES
from gongyou.insight.queries import Area, Reader
from gongyou.insight.served import local_midnight, month_start
from gongyou.insight.snapshots import rebuild
from gongyou.insight.tests.test_indicators import OTHER, STREET, at, backdate, months_ago
from gongyou.members.models import Membership
from gongyou.members.services import reinstate_membership, suspend_membership, withdraw_membership

LIVE = ("members_active", "new_members", "people_served", "cases_open", "cases_submitted")
SEQ = itertools.count(100)
SOURCE = itertools.count(1000)

step = st.tuples(
    st.sampled_from(["join", "withdraw", "suspend", "reinstate", "serve", "case", "settle"]),
    st.integers(0, 50),
    st.booleans(),
)


@pytest.fixture
def history(world):
    """Members and services in earlier months, snapshotted through yesterday."""
    for n in range(4):
        m = join_worker(next(SEQ), street_code=STREET if n % 2 else OTHER, industry="express")
        backdate(m, at(months_ago(n % 3 + 1)))
        record_service_event(
            person=m.person, kind="checkin", org=world.street_fed, at=at(months_ago(n % 2 + 1)), source_id=next(SOURCE)
        )
    _case(STREET, at(months_ago(1)))
    _case(OTHER, at(months_ago(2)))
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    return world


def _case(street: str, when: dt.datetime) -> Case:
    clean = clean_case(case_data(type="complaint", street_code=street), membership=None)
    return submit_case(clean, channel="staff", actor=COMMAND, now=when)


def _apply(world, op: str, pick: int, other_street: bool) -> None:
    members = list(Membership.objects.order_by("id"))
    target = members[pick % len(members)] if members else None
    if op == "join" or target is None:
        join_worker(next(SEQ), street_code=OTHER if other_street else STREET, industry="express")
    elif op == "withdraw" and target.status in (Membership.Status.ACTIVE, Membership.Status.SUSPENDED):
        withdraw_membership(target, reason="离职", actor=COMMAND)
    elif op == "suspend" and target.status == Membership.Status.ACTIVE:
        suspend_membership(target, reason="核查", actor=COMMAND)
    elif op == "reinstate" and target.status in (Membership.Status.SUSPENDED, Membership.Status.LAPSED):
        reinstate_membership(target, actor=COMMAND)
    elif op == "case":
        _case(OTHER if other_street else STREET, timezone.now())
    elif op == "settle":
        open_cases = list(Case.objects.filter(status__in=OPEN_STATUSES).order_by("id"))
        if open_cases:
            case = open_cases[pick % len(open_cases)]
            if case.status == CaseStatus.SUBMITTED:
                accept_case(case, actor=COMMAND)
            else:
                resolve_case(case, actor=COMMAND)
    elif op == "serve":
        record_service_event(
            person=target.person, kind="handout", org=world.street_fed, at=timezone.now(), source_id=next(SOURCE)
        )


def _live(street: str | None) -> dict[str, int]:
    members = Membership.objects.filter(status__in=MEMBER_STATUSES)
    month = local_midnight(month_start(timezone.localdate()))
    joined = Membership.objects.filter(joined_at__gte=month)
    served = ServiceEvent.objects.filter(at__gte=month)
    cases_open = Case.objects.filter(status__in=OPEN_STATUSES)
    cases_new = Case.objects.filter(submitted_at__gte=month)
    if street:
        cases_open = cases_open.filter(street__code=street)
        cases_new = cases_new.filter(street__code=street)
        members = members.filter(person__work_street__code=street)
        joined = joined.filter(person__work_street__code=street)
        served = served.filter(person__work_street__code=street)
    return {
        "members_active": members.count(),
        "new_members": joined.count(),
        "people_served": served.aggregate(n=Count("person", distinct=True))["n"],
        "cases_open": cases_open.count(),
        "cases_submitted": cases_new.count(),
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
@pytest.mark.django_db
def test_snapshot_plus_delta_equals_a_live_count(history, steps):
    for op, pick, other in steps:
        _apply(history, op, pick, other)
    today = timezone.localdate()
    for area, street in ((Area(), None), (Area(district=STREET[:6], street=STREET), STREET)):
        reader = Reader(area)
        figures = reader.period(month_start(today), today)[""]
        assert {k: figures[k] for k in LIVE} == _live(street)
    # The monthly trend ends on the same figure.
    months = Reader(Area()).monthly([month_start(today)])
    assert months[0]["members_active"] == _live(None)["members_active"]
    assert months[0]["cases_open"] == _live(None)["cases_open"]
