"""Escalation of overdue cases: the command's output, idempotence for one moment, and exactly
once per overdue period over random clocks (hypothesis)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongyou.cases import deadlines
from gongyou.cases.escalation import escalate_overdue
from gongyou.cases.models import CaseAlert, Escalation
from gongyou.cases.tests.conftest import MONDAY_9
from gongyou.core.actors import COMMAND


def _run(now):
    out = StringIO()
    call_command("escalate_cases", "--now", now.isoformat(), stdout=out)
    return out.getvalue().splitlines()


def test_the_command_escalates_once_for_a_moment_and_says_so(world, make_case):
    case = make_case(fallback_org=world.station_union)
    assert case.assigned_org == world.station_union
    before_due = case.due_at - dt.timedelta(minutes=1)
    assert _run(before_due) == ["escalated=0"]
    lines = _run(case.due_at)
    assert lines[-1] == "escalated=1" and len(lines) == 2
    assert case.case_no in lines[0] and "徐家汇街道外卖行业工会" in lines[0]
    assert _run(case.due_at) == ["escalated=0"]  # the same moment again: nothing
    case.refresh_from_db()
    assert case.assigned_org == world.street_union_food
    # Both orgs have it in their inbox; the worker's history says it in words.
    assert CaseAlert.objects.filter(case=case, org=world.street_union_food, kind="escalated_in").exists()
    assert CaseAlert.objects.filter(case=case, org=world.station_union, kind="escalated_out").exists()
    assert case.events.last().action == "escalate"
    # A period later, one more level; the station union still sees it (it received it).
    lines = _run(case.due_at + deadlines.period_length())
    assert lines[-1] == "escalated=1"
    case.refresh_from_db()
    assert case.assigned_org == world.street_fed and case.origin_org == world.station_union


def test_accepting_starts_a_new_round(world, make_case):
    case = make_case(fallback_org=world.station_union)
    escalate_overdue(case.due_at)
    from gongyou.cases.services import accept_case

    case = accept_case(case, actor=COMMAND, now=case.due_at)
    assert escalate_overdue(case.due_at - dt.timedelta(seconds=1)) == []
    (esc,) = escalate_overdue(case.due_at)
    assert (esc.deadline_round, esc.period) == (2, 1)


def test_a_bad_moment_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("escalate_cases", "--now", "yesterday")


HOURS = 24 * 40


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clocks=st.lists(st.integers(0, HOURS), min_size=1, max_size=12))
def test_exactly_once_per_overdue_period_over_random_clocks(world, make_case, clocks):
    """Runs at random moments, in any order, repeated or not: the case escalates exactly once for
    each overdue period begun by the latest moment (catching up missed ones), up to the top of
    the tree, and never twice for a period."""
    case = make_case(fallback_org=world.station_union)  # four levels below the city
    chain = [world.street_union_food, world.street_fed, world.district, world.city]
    for hours in clocks:
        escalate_overdue(MONDAY_9 + dt.timedelta(hours=hours))
    latest = MONDAY_9 + dt.timedelta(hours=max(clocks))
    expected = min(deadlines.overdue_periods(case.due_at, latest), len(chain))
    rows = list(Escalation.objects.filter(case=case).order_by("period"))
    assert [r.period for r in rows] == list(range(1, expected + 1))
    assert [r.to_org for r in rows] == chain[:expected]
    for row in rows:  # never before its period began
        assert row.at >= case.due_at + (row.period - 1) * deadlines.period_length()
    assert [e for e in escalate_overdue(latest) if e.case_id == case.pk] == []


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_escalates_what_is_overdue_now(world, make_case):
    """The schedule runs the same escalation hourly (gongyou/cases/tasks.py): a case long overdue
    moves up once per period it has been overdue, and a second run right after moves nothing."""
    from gongyou.cases.tasks import escalate_cases
    from gongyou.core import jobs, schedule
    from gongyou.core.job_models import BackgroundJob

    assert "gongyou.cases.tasks.escalate_cases" in schedule.discover()
    case = make_case(fallback_org=world.station_union, now=MONDAY_9 - dt.timedelta(days=30))  # long overdue
    first = jobs.enqueue(escalate_cases)
    first.refresh_from_db()
    assert first.status == BackgroundJob.Status.SUCCEEDED and first.result >= 1
    case.refresh_from_db()
    assert case.assigned_org != world.station_union
    again = jobs.enqueue(escalate_cases)
    again.refresh_from_db()
    assert again.result == 0
