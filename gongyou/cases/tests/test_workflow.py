"""The status machine: every step from every status (allowed or `invalid_transition`), reopening
within 30 days, rejecting with a reason, history rows, audit rows, the service event."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.benefits.models import ServiceEvent
from gongyou.cases import deadlines
from gongyou.cases.errors import Refused
from gongyou.cases.models import Case, CaseEvent, Referral
from gongyou.cases.services import TRANSITIONS, apply_action, record_referral_outcome
from gongyou.cases.tests.conftest import MONDAY_9
from gongyou.cases.vocab import API_ACTIONS, CaseStatus
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog

# How to bring a fresh case to each status.
PATHS = {
    CaseStatus.SUBMITTED: [],
    CaseStatus.ACCEPTED: ["accept"],
    CaseStatus.IN_PROGRESS: ["accept", "start"],
    CaseStatus.RESOLVED: ["accept", "start", "resolve"],
    CaseStatus.CLOSED: ["accept", "resolve", "close"],
    CaseStatus.REJECTED: ["reject"],
}


def _do(case, action, at=None):
    return apply_action(case, action, actor=COMMAND, note="理由", department="mediation", now=at or MONDAY_9)


def test_every_step_from_every_status(make_case):
    """One table: each API action from each status either leads where TRANSITIONS says, or is
    refused with invalid_transition (409) and changes nothing."""
    for status, path in PATHS.items():
        for action in API_ACTIONS:
            case = make_case()
            for step in path:
                case = _do(case, step)
            assert case.status == status
            allowed, target = TRANSITIONS[action]
            events_before = CaseEvent.objects.filter(case=case).count()
            if status in allowed:
                moved = _do(case, action)
                assert moved.status == target, (status, action)
                last = CaseEvent.objects.filter(case=case).last()
                assert (last.action, last.from_status, last.to_status) == (action, status, target)
                assert AuditLog.objects.filter(action=f"cases.{action}", object_id=str(case.pk)).exists()
            else:
                with pytest.raises(Refused) as refused:
                    _do(case, action)
                assert refused.value.code == "invalid_transition" and refused.value.conflict, (status, action)
                assert Case.objects.get(pk=case.pk).status == status
                assert CaseEvent.objects.filter(case=case).count() == events_before


def test_submitting_gives_a_number_an_org_a_deadline_and_a_history(world, make_case):
    case = make_case(station_code=world.station.code)
    assert case.case_no.startswith("SQ2026") and len(case.case_no) == 15
    assert case.assigned_org == world.street_fed  # a non-member's case: the street federation of the place
    # Two working days from Monday 09:00.
    assert case.due_at == MONDAY_9 + dt.timedelta(days=2)
    assert case.contact_phone_masked == "138****8000" and "13800138000" not in case.contact_phone_enc
    assert [e.action for e in case.events.all()] == ["submit"]


def test_accept_deadline_counts_working_days_over_the_weekend(make_case):
    friday = MONDAY_9 + dt.timedelta(days=4)
    case = make_case(now=friday, type="dispute")  # one working day to accept
    assert case.due_at == friday + dt.timedelta(days=3)  # Monday
    case = _do(case, "accept", at=friday)
    assert case.due_at == friday + dt.timedelta(days=deadlines.resolve_days("dispute"))
    assert case.deadline_round == 2


def test_reopen_within_30_days_of_resolution_only(make_case):
    case = make_case()
    for step in ("accept", "resolve"):
        case = _do(case, step)
    case = _do(case, "reopen", at=MONDAY_9 + dt.timedelta(days=30))
    assert case.status == CaseStatus.IN_PROGRESS and case.due_at is not None
    case = _do(case, "resolve", at=MONDAY_9 + dt.timedelta(days=31))
    with pytest.raises(Refused) as refused:
        _do(case, "reopen", at=MONDAY_9 + dt.timedelta(days=61, seconds=1))
    assert refused.value.code == "invalid_transition"


def test_rejecting_needs_a_reason(make_case):
    case = make_case()
    with pytest.raises(Refused) as refused:
        apply_action(case, "reject", actor=COMMAND, note="")
    assert refused.value.code == "note_required"


def test_referral_tracks_the_outcome(make_case):
    case = _do(make_case(), "accept")
    case = apply_action(case, "refer", actor=COMMAND, note="欠薪", department="hrss_complaint")
    assert case.status == CaseStatus.IN_PROGRESS
    referral = Referral.objects.get(case=case)
    record_referral_outcome(referral, "upheld", actor=COMMAND, note="已责令支付")
    referral.refresh_from_db()
    assert referral.outcome == "upheld" and referral.outcome_at is not None
    assert list(case.events.values_list("action", flat=True)) == ["submit", "accept", "refer", "referral_outcome"]


def test_a_resolved_member_case_is_one_service_event(world, rider, make_case):
    case = make_case(membership=rider)
    assert case.assigned_org == rider.org
    for step in ("accept", "resolve", "reopen", "resolve"):
        case = _do(case, step)
    events = ServiceEvent.objects.filter(kind="case", source_id=case.pk)
    assert events.count() == 1 and events.get().person_id == rider.person_id
