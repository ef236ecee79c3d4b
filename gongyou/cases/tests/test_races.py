"""Concurrency: two cron runs at the same moment, and simultaneous staff steps, on real threads and
connections (run on PostgreSQL too: DATABASE_URL=postgres://…). The case row lock and the
one-escalation-per-period index decide; nobody escalates twice or steps a case twice."""

from __future__ import annotations

import pytest

from gongyou.cases.errors import Refused
from gongyou.cases.escalation import escalate_overdue
from gongyou.cases.inputs import clean_case
from gongyou.cases.models import CaseEvent, Escalation
from gongyou.cases.services import accept_case, submit_case
from gongyou.cases.tests.conftest import MONDAY_9, case_data
from gongyou.core.actors import COMMAND
from gongyou.core.services import load_regions
from gongyou.core.testing import build_world
from gongyou.members.tests.test_races import run_concurrently


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def test_concurrent_escalation_runs_escalate_once(tworld):
    case = submit_case(clean_case(case_data()), channel="staff", actor=COMMAND, fallback_org=tworld.station_union, now=MONDAY_9)
    results, errors = run_concurrently(4, lambda i: len(escalate_overdue(case.due_at)))
    assert errors == [] and sorted(results) == [0, 0, 0, 1]
    assert Escalation.objects.filter(case=case).count() == 1


def test_concurrent_accepts_step_the_case_once(tworld):
    case = submit_case(clean_case(case_data()), channel="staff", actor=COMMAND, now=MONDAY_9)

    def accept(i):
        try:
            accept_case(case, actor=COMMAND)
            return "ok"
        except Refused as exc:
            return exc.code

    results, errors = run_concurrently(4, accept)
    assert errors == [] and sorted(results) == ["invalid_transition"] * 3 + ["ok"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
