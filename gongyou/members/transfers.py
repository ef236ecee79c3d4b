"""Transfers (组织关系接转), online: a member moves between orgs and is never without one
(seed §二(一)3: 逐步打通网上接转会员组织关系通道，做到会员流动不流失).

The membership stays with the old org until the new org accepts (or the configured number of
days passes); acceptance moves it in the same transaction that closes the transfer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit
from gongyou.core.actors import SYSTEM, Actor
from gongyou.core.models import Org
from gongyou.members.history import add_event
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.notes import record_note
from gongyou.members.work import WorkContext

S = Membership.Status
T = Transfer.Status


def _error(message: str, code: str, field: str = "transfer") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


@transaction.atomic
def request_transfer(
    membership: Membership,
    to_org: Org,
    *,
    initiator: str,
    actor: Actor,
    reason: str = "",
    new_context: WorkContext | None = None,
    now: dt.datetime | None = None,
) -> Transfer:
    now = now or timezone.now()
    locked = Membership.objects.select_for_update().select_related("org").get(pk=membership.pk)
    if initiator not in Transfer.Initiator.values:
        raise _error(_("发起方取值无效"), "bad_initiator", field="initiator")
    if locked.status == S.TRANSFERRING:
        raise _error(_("这名会员已有一笔待接收的接转"), "transfer_pending")
    if locked.status != S.ACTIVE:
        raise _error(
            _("会籍状态为“%(status)s”，不能接转") % {"status": locked.get_status_display()}, "bad_status"
        )
    if to_org.pk == locked.org_id:
        raise _error(_("转入工会与当前所在工会相同"), "same_org", field="to_org")
    if to_org.status != Org.Status.ACTIVE:
        raise _error(_("转入工会已撤销"), "org_inactive", field="to_org")
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                membership=locked,
                from_org=locked.org,
                to_org=to_org,
                initiator=initiator,
                reason=reason,
                new_context=new_context.as_json() if new_context is not None else None,
                auto_accept_at=now + dt.timedelta(days=settings.GONGYOU["TRANSFER_AUTO_ACCEPT_DAYS"]),
            )
    except IntegrityError as exc:
        raise _error(_("这名会员已有一笔待接收的接转"), "transfer_pending") from exc
    locked.status = S.TRANSFERRING
    locked.save(update_fields=["status"])
    add_event(
        locked, "transfer_requested", actor=actor, from_status=S.ACTIVE,
        note_code="transfer_to", note_params={"org": to_org.name, "reason": reason, "initiator": initiator},
    )
    audit.record(
        actor, "transfer.request", transfer,
        after={"membership": locked.pk, "from": locked.org_id, "to": to_org.pk, "initiator": initiator},
        reason=reason, org=locked.org, related_org=to_org,
    )
    return transfer


CONTEXT_FIELDS = ("work_street_id", "employer_id", "station_id", "industry", "labor_relation")


def apply_work_context(person_id: int, context: dict[str, object]) -> None:
    values = {k: context[k] for k in CONTEXT_FIELDS if k in context}
    Person.objects.filter(pk=person_id).update(**values, updated_at=timezone.now())


def _locked_pending(transfer: Transfer) -> tuple[Transfer, Membership]:
    locked = Transfer.objects.select_for_update().select_related("to_org", "from_org").get(pk=transfer.pk)
    if locked.status != T.PENDING:
        raise _error(
            _("这笔接转已处理（%(status)s）") % {"status": locked.get_status_display()}, "already_decided"
        )
    membership = Membership.objects.select_for_update().get(pk=locked.membership_id)
    return locked, membership


@transaction.atomic
def accept_transfer(transfer: Transfer, *, actor: Actor, note: str = "", note_code: str = "") -> Transfer:
    """The new org takes the member in (or the system does, when the waiting period passed:
    `note_code` "auto_accepted")."""
    locked, membership = _locked_pending(transfer)
    note = note or (record_note(note_code, {}) if note_code else "")
    locked.status = T.ACCEPTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor.label[:80]
    locked.decision_note = note
    locked.decision_code = note_code
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "decision_code"])
    old_org = membership.org
    membership.org = locked.to_org
    membership.status = S.ACTIVE
    membership.last_contact_at = locked.decided_at
    membership.save(update_fields=["org", "status", "last_contact_at"])
    if locked.new_context:
        apply_work_context(membership.person_id, locked.new_context)
    add_event(
        membership, "transfer_accepted", actor=actor, from_status=S.TRANSFERRING, from_org=old_org,
        note=note, note_code=note_code,
    )
    audit.record(
        actor, "transfer.accept", locked,
        before={"org": old_org.pk}, after={"org": locked.to_org_id}, reason=note, org=locked.to_org,
        related_org=old_org,
    )
    return locked


def _close_without_move(
    locked: Transfer, membership: Membership, *, status: str, kind: str, actor: Actor, note: str,
    note_code: str = "", params: dict[str, object] | None = None,
) -> Transfer:
    note = note or (record_note(note_code, {}) if note_code else "")
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = actor.label[:80]
    locked.decision_note = note
    locked.decision_code = note_code
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "decision_code"])
    membership.status = S.ACTIVE
    membership.save(update_fields=["status"])
    add_event(
        membership, kind, actor=actor, from_status=S.TRANSFERRING, note=note, note_code=note_code,
        note_params=params,
    )
    audit.record(
        actor, f"transfer.{kind.removeprefix('transfer_')}", locked,
        after={"status": status, **(params or {})}, reason=note, org=locked.from_org, related_org=locked.to_org,
    )
    return locked


@transaction.atomic
def reject_transfer(transfer: Transfer, *, actor: Actor, note: str) -> Transfer:
    """The new org declines: the member simply stays where they were."""
    if not note.strip():
        raise _error(_("请填写退回理由"), "reason_required", field="note")
    locked, membership = _locked_pending(transfer)
    return _close_without_move(locked, membership, status=T.REJECTED, kind="transfer_rejected", actor=actor, note=note)


def may_withdraw(transfer: Transfer, by: str) -> bool:
    """Only the side that started a transfer may withdraw it; the receiving side says no by
    rejecting it. A proposal the system made from a roster is the old org's to withdraw (the
    member is theirs until it is accepted); the member cannot withdraw what a union started."""
    if by == transfer.initiator:
        return True
    return transfer.initiator == Transfer.Initiator.SYSTEM and by == Transfer.Initiator.OLD_ORG


@transaction.atomic
def cancel_transfer(transfer: Transfer, *, by: str, actor: Actor, note: str = "", note_code: str = "") -> Transfer:
    """Withdraw a pending transfer on behalf of `by` (a Transfer.Initiator value: who withdraws);
    the rule is `may_withdraw`. The history records who started it and who withdrew it."""
    locked, membership = _locked_pending(transfer)
    if not may_withdraw(locked, by):
        raise _error(
            _("这笔接转的发起方是“%(starter)s”，只有发起方可以撤回；接收方可以退回") % {"starter": locked.get_initiator_display()},
            "not_starter",
        )
    return _close_without_move(
        locked, membership, status=T.CANCELLED, kind="transfer_cancelled", actor=actor, note=note,
        note_code=note_code, params={"by": by, "initiator": locked.initiator},
    )


@transaction.atomic
def end_pending_transfer(membership: Membership, *, actor: Actor, note: str = "", note_code: str = "") -> Transfer | None:
    """Close the pending transfer of a membership that is itself ending (the member withdrew
    consent): nobody's decision to undo, so no starter rule; the history says the system closed it."""
    pending = Transfer.objects.filter(membership=membership, status=T.PENDING).first()
    if pending is None:
        return None
    locked, locked_membership = _locked_pending(pending)
    return _close_without_move(
        locked, locked_membership, status=T.CANCELLED, kind="transfer_cancelled", actor=actor, note=note,
        note_code=note_code, params={"by": Transfer.Initiator.SYSTEM, "initiator": locked.initiator},
    )


def auto_accept_due_transfers(*, now: dt.datetime | None = None) -> int:
    """Accept every pending transfer whose waiting period has passed (run daily by cron)."""
    now = now or timezone.now()
    accepted = 0
    due = Transfer.objects.filter(status=T.PENDING, auto_accept_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        try:
            accept_transfer(Transfer(pk=pk), actor=SYSTEM, note_code="auto_accepted")
            accepted += 1
        except ValidationError:
            continue  # decided by a person while we were running
    return accepted


@transaction.atomic
def bulk_transfer(
    memberships: Iterable[Membership], to_org: Org, *, actor: Actor, reason: str
) -> list[Transfer]:
    """Move many members at once (e.g. an enterprise's individual members into its newly
    founded union, seed §二(一)3). All or nothing: one member who cannot move stops the batch."""
    transfers = []
    for membership in memberships:
        transfer = request_transfer(membership, to_org, initiator=Transfer.Initiator.NEW_ORG, actor=actor, reason=reason)
        transfers.append(accept_transfer(transfer, actor=actor, note=reason))
    return transfers
