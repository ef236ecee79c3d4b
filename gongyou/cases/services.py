"""Case writes (SPEC §6; seed §二(二)9, Annex 3 §二4, §三3–5): submitting, the status machine,
referrals, attachments, hardship relief, legal check-ups, warnings.

Every function runs in one transaction, locks the case row, writes a dated history row
(`CaseEvent`, what the worker reads on "我的诉求") and an audit row. A step not allowed from the
current status is refused with `invalid_transition` (a 409 on the API). Escalation lives in
gongyou/cases/escalation.py; the warning signals in gongyou/cases/warning_signals.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.benefits.events import record_service_event
from gongyou.benefits.vocab import ServiceKind
from gongyou.cases import deadlines
from gongyou.cases.early_warning import warning_level
from gongyou.cases.errors import Refused
from gongyou.cases.inputs import CleanCase, CleanHardship
from gongyou.cases.models import (
    Case,
    CaseAlert,
    CaseAttachment,
    CaseEvent,
    HardshipRelief,
    LegalCheckup,
    Referral,
    Warning,
)
from gongyou.cases.numbers import new_case_no
from gongyou.cases.vocab import (
    Action,
    CaseStatus,
    CaseType,
    HardshipDecision,
    ReferralOutcome,
    WarningStatus,
)
from gongyou.cases.warning_signals import raise_warnings
from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise, Org, Region
from gongyou.core.uploads import CheckedFile

# From which statuses each step may be taken, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Action.ACCEPT: ((CaseStatus.SUBMITTED,), CaseStatus.ACCEPTED),
    Action.START: ((CaseStatus.ACCEPTED,), CaseStatus.IN_PROGRESS),
    Action.RESOLVE: ((CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS), CaseStatus.RESOLVED),
    Action.CLOSE: ((CaseStatus.RESOLVED,), CaseStatus.CLOSED),
    Action.REJECT: ((CaseStatus.SUBMITTED, CaseStatus.ACCEPTED), CaseStatus.REJECTED),
    Action.REOPEN: ((CaseStatus.RESOLVED,), CaseStatus.IN_PROGRESS),
    # A referral starts the handling if it had not started; the case stays with the union.
    Action.REFER: ((CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS), CaseStatus.IN_PROGRESS),
}

CASE_LOCK_FIELDS = ["status", "assigned_org", "due_at", "deadline_round"]


# --- assignment -------------------------------------------------------------------------------


def street_federation(street: Region | None) -> Org | None:
    if street is None:
        return None
    return (
        Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region=street, status=Org.Status.ACTIVE)
        .order_by("id")
        .first()
    )


def place_street(clean: CleanCase) -> Region | None:
    """Where the case happened: the station's street, else the enterprise's, else the one named."""
    if clean.station is not None:
        return clean.station.street
    if clean.enterprise is not None and clean.enterprise.street_id is not None:
        return clean.enterprise.street
    return clean.street


def assigned_org_for(clean: CleanCase, *, fallback: Org | None = None) -> Org:
    """A member's case goes to the member's union; anyone else's to the street federation of the
    place it concerns, else to `fallback` (the officer recording it), else the city federation."""
    if clean.membership is not None:
        return clean.membership.org
    federation = street_federation(place_street(clean))
    if federation is not None:
        return federation
    if fallback is not None:
        return fallback
    root = Org.objects.filter(parent__isnull=True, status=Org.Status.ACTIVE).order_by("id").first()
    if root is None:
        raise Refused("no_org", _("还没有可以承办诉求的工会"))
    return root


# --- helpers ----------------------------------------------------------------------------------


def _event(
    case: Case,
    action: str,
    *,
    actor: Actor,
    at: dt.datetime,
    from_status: str = "",
    note: str = "",
    org: Org | None = None,
    internal: bool = False,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at,
        action=action,
        from_status=from_status,
        to_status=case.status,
        org=org or case.assigned_org,
        actor_label=actor.label[:80],
        note=note,
        internal=internal,
    )


def alert(org: Org, kind: str, text: str, *, at: dt.datetime, case: Case | None = None, warning: Warning | None = None) -> CaseAlert:
    return CaseAlert.objects.create(org=org, kind=kind, text=text[:300], created_at=at, case=case, warning=warning)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("assigned_org", "person").get(pk=case.pk)


def _refuse_transition(case: Case, action: str) -> Refused:
    return Refused(
        "invalid_transition",
        _("诉求当前状态为“%(status)s”，不能%(action)s")
        % {"status": CaseStatus(case.status).label, "action": Action(action).label},
        field="action",
        conflict=True,
    )


# --- submitting -------------------------------------------------------------------------------


@transaction.atomic
def submit_case(
    clean: CleanCase,
    *,
    channel: str,
    actor: Actor,
    fallback_org: Org | None = None,
    recorded_by: Org | None = None,
    attachments: Sequence[CheckedFile] = (),
    hardship: CleanHardship | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """A worker's opinion, complaint, hardship application, legal-aid request or dispute
    (seed §二(二)9: 收集职工意见建议和投诉). It gets a case number, an org, a deadline to accept
    and a warning level; a yellow or red case and a cluster of small ones raise warnings."""
    now = now or timezone.now()
    org = assigned_org_for(clean, fallback=fallback_org)
    membership = clean.membership
    level = warning_level(clean.workers_involved, clean.amount_fen, clean.collective_action)
    fields: dict[str, Any] = {
        "type": clean.type,
        "status": CaseStatus.SUBMITTED,
        "channel": channel,
        "title": clean.title,
        "description": clean.description,
        "topic": clean.topic,
        "membership": membership,
        "person": membership.person if membership is not None else None,
        "enterprise": clean.enterprise,
        "station": clean.station,
        "street": place_street(clean),
        "assigned_org": org,
        # The union that received it: the recording officer's when staff took it down (a station
        # union collects and reports upward, and keeps seeing what it collected).
        "origin_org": recorded_by or org,
        "workers_involved": clean.workers_involved,
        "amount_fen": clean.amount_fen,
        "collective_action": clean.collective_action,
        "warning_level": level,
        "submitted_at": now,
        "due_at": deadlines.accept_due(clean.type, now),
        "submitted_by": actor.label[:80],
    }
    if clean.phone:
        fields.update(
            contact_name_enc=crypto.encrypt(clean.name),
            contact_name_masked=crypto.mask_name(clean.name),
            contact_phone_enc=crypto.encrypt(clean.phone),
            contact_phone_hash=crypto.phone_hash(clean.phone),
            contact_phone_masked=crypto.mask_phone(clean.phone),
        )
    case = _create_numbered(fields, now)
    for checked in attachments:
        CaseAttachment.objects.create(
            case=case,
            file_name=checked.file_name,
            content_type=checked.content_type,
            size_bytes=checked.size_bytes,
            sha256=checked.sha256,
            uploaded_by=actor.label[:80],
        )
    if clean.type == CaseType.HARDSHIP:
        facts = hardship or CleanHardship("other", "", 1, 0, clean.amount_fen)
        HardshipRelief.objects.create(
            case=case,
            reason=facts.reason,
            household=facts.household,
            household_size=facts.household_size,
            monthly_income_fen=facts.monthly_income_fen,
            amount_requested_fen=facts.amount_requested_fen,
        )
    _event(case, Action.SUBMIT, actor=actor, at=now)
    audit.record(
        actor,
        "cases.submit",
        case,
        after={"case_no": case.case_no, "type": case.type, "warning_level": level, "attachments": len(attachments)},
        org=org,
    )
    alert(org, CaseAlert.Kind.ASSIGNED, _("新诉求 %(no)s：%(title)s") % {"no": case.case_no, "title": case.title}, at=now, case=case)
    raise_warnings(case, at=now)
    return case


def _create_numbered(fields: dict[str, Any], now: dt.datetime) -> Case:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(case_no=new_case_no(timezone.localtime(now).year), **fields)
        except IntegrityError:
            continue  # a random number already taken: draw again
    raise Refused("case_no_exhausted", _("暂时无法分配诉求编号，请稍后再试"))


# --- the status machine -----------------------------------------------------------------------


def _transition(case: Case, action: str, *, actor: Actor, note: str, now: dt.datetime | None) -> tuple[Case, str, dt.datetime]:
    case = _locked(case)
    allowed, target = TRANSITIONS[action]
    if case.status not in allowed:
        raise _refuse_transition(case, action)
    previous = case.status
    case.status = target
    return case, previous, now or timezone.now()


def _finish(case: Case, action: str, previous: str, *, actor: Actor, note: str, at: dt.datetime, fields: list[str]) -> Case:
    case.save(update_fields=["status", *fields])
    _event(case, action, actor=actor, at=at, from_status=previous, note=note)
    audit.record(
        actor,
        f"cases.{action}",
        case,
        before={"status": previous},
        after={"status": case.status},
        reason=note,
        org=case.assigned_org,
    )
    return case


@transaction.atomic
def accept_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Accepting starts the deadline to resolve (a new deadline round for escalation)."""
    case, previous, at = _transition(case, Action.ACCEPT, actor=actor, note=note, now=now)
    case.accepted_at = at
    case.due_at = deadlines.resolve_due(case.type, at)
    case.deadline_round += 1
    return _finish(case, Action.ACCEPT, previous, actor=actor, note=note, at=at, fields=["accepted_at", "due_at", "deadline_round"])


@transaction.atomic
def start_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    case, previous, at = _transition(case, Action.START, actor=actor, note=note, now=now)
    return _finish(case, Action.START, previous, actor=actor, note=note, at=at, fields=[])


@transaction.atomic
def resolve_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """A handled case is a service the worker received (the people-served ledger counts it once,
    however often it is reopened and resolved again)."""
    case, previous, at = _transition(case, Action.RESOLVE, actor=actor, note=note, now=now)
    case.resolved_at = at
    case.due_at = None
    if note:
        case.resolution = note
    if case.person is not None:
        record_service_event(person=case.person, kind=ServiceKind.CASE, org=case.assigned_org, at=at, source_id=case.pk)
    return _finish(case, Action.RESOLVE, previous, actor=actor, note=note, at=at, fields=["resolved_at", "due_at", "resolution"])


@transaction.atomic
def close_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    case, previous, at = _transition(case, Action.CLOSE, actor=actor, note=note, now=now)
    case.closed_at = at
    return _finish(case, Action.CLOSE, previous, actor=actor, note=note, at=at, fields=["closed_at"])


@transaction.atomic
def reject_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Refusing a case needs a reason the worker can read."""
    if not note:
        raise Refused("note_required", _("请说明不予受理的理由"), field="note")
    case, previous, at = _transition(case, Action.REJECT, actor=actor, note=note, now=now)
    case.due_at = None
    case.closed_at = at
    return _finish(case, Action.REJECT, previous, actor=actor, note=note, at=at, fields=["due_at", "closed_at"])


@transaction.atomic
def reopen_case(case: Case, *, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Within CASE_REOPEN_DAYS of resolution the worker (or staff) may reopen a case: it is in
    progress again with a fresh deadline to resolve."""
    case, previous, at = _transition(case, Action.REOPEN, actor=actor, note=note, now=now)
    days = int(settings.GONGYOU["CASE_REOPEN_DAYS"])
    if case.resolved_at is None or at > case.resolved_at + dt.timedelta(days=days):
        raise Refused(
            "invalid_transition",
            _("诉求办结已超过 %(days)d 天，不能重新办理，请提交新的诉求") % {"days": days},
            field="action",
            conflict=True,
        )
    case.due_at = deadlines.resolve_due(case.type, at)
    case.deadline_round += 1
    return _finish(case, Action.REOPEN, previous, actor=actor, note=note, at=at, fields=["due_at", "deadline_round"])


@transaction.atomic
def refer_case(
    case: Case, department: str, *, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> Referral:
    """Hand the case to a department (HR & social security complaints, the legal aid centre, the
    procuratorate's support for litigation, a mediation committee: seed Annex 3 §三4–5); the
    union keeps following it until the outcome is recorded."""
    case, previous, at = _transition(case, Action.REFER, actor=actor, note=note, now=now)
    referral = Referral.objects.create(
        case=case, department=department, org=case.assigned_org, note=note, referred_at=at, referred_by=actor.label[:80]
    )
    _finish(case, Action.REFER, previous, actor=actor, note=note, at=at, fields=[])
    return referral


@transaction.atomic
def record_referral_outcome(
    referral: Referral, outcome: str, *, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> Referral:
    if outcome == ReferralOutcome.PENDING:
        raise Refused("invalid_choice", _("请选择部门的办理结果"), field="outcome")
    referral = Referral.objects.select_for_update().select_related("case__assigned_org").get(pk=referral.pk)
    at = now or timezone.now()
    before = referral.outcome
    referral.outcome = outcome
    referral.outcome_note = note
    referral.outcome_at = at
    referral.save(update_fields=["outcome", "outcome_note", "outcome_at"])
    case = referral.case
    text = f"{referral.get_department_display()}：{referral.get_outcome_display()}" + (f"。{note}" if note else "")
    _event(case, Action.REFERRAL_OUTCOME, actor=actor, at=at, from_status=case.status, note=text)
    audit.record(
        actor, "cases.referral_outcome", referral, before={"outcome": before}, after={"outcome": outcome}, reason=note, org=case.assigned_org
    )
    return referral


def apply_action(
    case: Case, action: str, *, actor: Actor, note: str = "", department: str = "", now: dt.datetime | None = None
) -> Case:
    """One entry for the API's and the console's action buttons."""
    if action == Action.REFER:
        return refer_case(case, department, actor=actor, note=note, now=now).case
    steps: dict[str, Callable[..., Case]] = {
        Action.ACCEPT: accept_case,
        Action.START: start_case,
        Action.RESOLVE: resolve_case,
        Action.CLOSE: close_case,
        Action.REJECT: reject_case,
        Action.REOPEN: reopen_case,
    }
    if action not in steps:
        raise Refused("invalid_choice", _("未知的操作"), field="action")
    return steps[action](case, actor=actor, note=note, now=now)


# --- attachments ------------------------------------------------------------------------------


MAX_ATTACHMENTS = 6


@transaction.atomic
def attach_files(case: Case, files: Sequence[CheckedFile], *, actor: Actor, now: dt.datetime | None = None) -> list[CaseAttachment]:
    """More evidence for an open case (the files are already checked and stored by the channel)."""
    case = _locked(case)
    if case.status in (CaseStatus.CLOSED, CaseStatus.REJECTED):
        raise Refused("invalid_transition", _("诉求已关闭，不能再补充材料"), field="files", conflict=True)
    if case.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise Refused("too_many_files", _("每件诉求最多 %(n)d 个附件") % {"n": MAX_ATTACHMENTS}, field="files")
    at = now or timezone.now()
    rows = [
        CaseAttachment.objects.create(
            case=case,
            file_name=f.file_name,
            content_type=f.content_type,
            size_bytes=f.size_bytes,
            sha256=f.sha256,
            uploaded_by=actor.label[:80],
        )
        for f in files
    ]
    _event(case, Action.ATTACH, actor=actor, at=at, from_status=case.status, note=", ".join(f.file_name for f in files))
    audit.record(actor, "cases.attach", case, after={"files": [f.sha256 for f in files]}, org=case.assigned_org)
    return rows


# --- hardship relief --------------------------------------------------------------------------


@transaction.atomic
def review_hardship(
    relief: HardshipRelief,
    decision: str,
    *,
    amount_granted_fen: int,
    note: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> HardshipRelief:
    """Hardship relief (困难救助, seed §二(二)9): review the facts, decide, and the amount granted
    (fen; none when declined). The decision can be taken once."""
    relief = HardshipRelief.objects.select_for_update().select_related("case__assigned_org").get(pk=relief.pk)
    if relief.decision != HardshipDecision.PENDING:
        raise Refused("already_decided", _("这份救助申请已经审核过了"), field="decision", conflict=True)
    if decision == HardshipDecision.APPROVED and amount_granted_fen <= 0:
        raise Refused("amount_required", _("批准救助时请填写批准金额"), field="amount_granted_fen")
    at = now or timezone.now()
    relief.decision = decision
    relief.amount_granted_fen = amount_granted_fen if decision == HardshipDecision.APPROVED else 0
    relief.review_note = note
    relief.decided_at = at
    relief.decided_by = actor.label[:80]
    relief.save(update_fields=["decision", "amount_granted_fen", "review_note", "decided_at", "decided_by"])
    case = relief.case
    words = str(HardshipDecision(decision).label)
    if decision == HardshipDecision.APPROVED:
        words = _("%(decision)s，救助金额 %(yuan)s 元") % {"decision": words, "yuan": f"{relief.amount_granted_fen / 100:.2f}"}
    _event(case, Action.HARDSHIP_REVIEW, actor=actor, at=at, from_status=case.status, note=f"{words}" + (f"。{note}" if note else ""))
    audit.record(
        actor,
        "cases.hardship_review",
        relief,
        after={"decision": decision, "amount_granted_fen": relief.amount_granted_fen},
        reason=note,
        org=case.assigned_org,
    )
    return relief


@transaction.atomic
def record_hardship_payment(relief: HardshipRelief, paid_on: dt.date, *, actor: Actor) -> HardshipRelief:
    relief = HardshipRelief.objects.select_for_update().select_related("case__assigned_org").get(pk=relief.pk)
    if relief.decision != HardshipDecision.APPROVED:
        raise Refused("not_approved", _("只有批准的救助才能登记发放"), field="paid_on", conflict=True)
    if relief.paid_on is not None:
        raise Refused("already_paid", _("这笔救助金已经登记发放"), field="paid_on", conflict=True)
    relief.paid_on = paid_on
    relief.save(update_fields=["paid_on"])
    case = relief.case
    _event(
        case,
        Action.HARDSHIP_PAID,
        actor=actor,
        at=timezone.now(),
        from_status=case.status,
        note=_("救助金已于 %(day)s 发放") % {"day": paid_on.isoformat()},
    )
    audit.record(actor, "cases.hardship_paid", relief, after={"paid_on": paid_on.isoformat()}, org=case.assigned_org)
    return relief


# --- legal check-ups and warnings -------------------------------------------------------------


@transaction.atomic
def record_legal_checkup(
    enterprise: Enterprise,
    *,
    org: Org,
    checked_on: dt.date,
    findings: str,
    issues_found: int,
    recommendations: str = "",
    actor: Actor,
) -> LegalCheckup:
    """A legal check-up (法律体检) of an enterprise (seed Annex 3 §三4)."""
    if not findings:
        raise Refused("required", _("请填写体检发现的问题（没有问题也请写明）"), field="findings")
    checkup = LegalCheckup.objects.create(
        enterprise=enterprise,
        org=org,
        checked_on=checked_on,
        findings=findings,
        issues_found=issues_found,
        recommendations=recommendations,
        recorded_by=actor.label[:80],
    )
    audit.record(actor, "cases.legal_checkup", checkup, after={"enterprise": enterprise.uscc, "issues_found": issues_found}, org=org)
    return checkup


@transaction.atomic
def record_checkup_rectified(checkup: LegalCheckup, rectified_on: dt.date, *, actor: Actor) -> LegalCheckup:
    checkup = LegalCheckup.objects.select_for_update().get(pk=checkup.pk)
    checkup.rectified_on = rectified_on
    checkup.save(update_fields=["rectified_on"])
    audit.record(actor, "cases.checkup_rectified", checkup, after={"rectified_on": rectified_on.isoformat()}, org=checkup.org)
    return checkup


@transaction.atomic
def handle_warning(warning: Warning, *, note: str, actor: Actor, now: dt.datetime | None = None) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != WarningStatus.OPEN:
        raise Refused("already_handled", _("这条预警已经处置过了"), field="note", conflict=True)
    if not note:
        raise Refused("note_required", _("请写明处置情况"), field="note")
    warning.status = WarningStatus.HANDLED
    warning.handled_at = now or timezone.now()
    warning.handled_note = note
    warning.save(update_fields=["status", "handled_at", "handled_note"])
    audit.record(actor, "cases.handle_warning", warning, after={"status": warning.status}, reason=note, org=warning.org)
    return warning


def mark_alerts_read(org: Org, *, now: dt.datetime | None = None) -> int:
    return CaseAlert.objects.filter(org=org, read_at__isnull=True).update(read_at=now or timezone.now())
