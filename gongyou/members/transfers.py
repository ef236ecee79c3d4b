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
from gongyou.core.choices import record_language
from gongyou.core.models import Org
from gongyou.members.history import add_event
from gongyou.members.models import Membership, Person, Transfer
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
    add_event(locked, "transfer_requested", actor=actor, from_status=S.ACTIVE, note=f"→ {to_org.name}: {reason}")
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
def accept_transfer(transfer: Transfer, *, actor: Actor, note: str = "") -> Transfer:
    locked, membership = _locked_pending(transfer)
    locked.status = T.ACCEPTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor.label[:80]
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    old_org = membership.org
    membership.org = locked.to_org
    membership.status = S.ACTIVE
    membership.last_contact_at = locked.decided_at
    membership.save(update_fields=["org", "status", "last_contact_at"])
    if locked.new_context:
        apply_work_context(membership.person_id, locked.new_context)
    add_event(membership, "transfer_accepted", actor=actor, from_status=S.TRANSFERRING, from_org=old_org, note=note)
    audit.record(
        actor, "transfer.accept", locked,
        before={"org": old_org.pk}, after={"org": locked.to_org_id}, reason=note, org=locked.to_org,
        related_org=old_org,
    )
    return locked


def _close_without_move(transfer: Transfer, *, status: str, kind: str, actor: Actor, note: str) -> Transfer:
    locked, membership = _locked_pending(transfer)
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = actor.label[:80]
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    membership.status = S.ACTIVE
    membership.save(update_fields=["status"])
    add_event(membership, kind, actor=actor, from_status=S.TRANSFERRING, note=note)
    audit.record(
        actor, f"transfer.{kind.removeprefix('transfer_')}", locked,
        after={"status": status}, reason=note, org=locked.from_org, related_org=locked.to_org,
    )
    return locked


@transaction.atomic
def reject_transfer(transfer: Transfer, *, actor: Actor, note: str) -> Transfer:
    """The new org declines: the member simply stays where they were."""
    if not note.strip():
        raise _error(_("请填写退回理由"), "reason_required", field="note")
    return _close_without_move(transfer, status=T.REJECTED, kind="transfer_rejected", actor=actor, note=note)


@transaction.atomic
def cancel_transfer(transfer: Transfer, *, actor: Actor, note: str = "") -> Transfer:
    return _close_without_move(transfer, status=T.CANCELLED, kind="transfer_cancelled", actor=actor, note=note)


def auto_accept_due_transfers(*, now: dt.datetime | None = None) -> int:
    """Accept every pending transfer whose waiting period has passed (run daily by cron)."""
    now = now or timezone.now()
    accepted = 0
    due = Transfer.objects.filter(status=T.PENDING, auto_accept_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        try:
            with record_language():
                note = _("超过接收期限，系统自动接收")
            accept_transfer(Transfer(pk=pk), actor=SYSTEM, note=note)
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
