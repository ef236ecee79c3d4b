"""Dissolving a union and merging two: nobody is left without an org (seed §二(一)3, the street
union as the catch-all home: 兜底). Members move by transfer, so each one's history records the
move like any other transfer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongyou.core.actors import Actor
from gongyou.core.choices import record_language
from gongyou.core.models import Org, OrgReach
from gongyou.core.services import mark_org_dissolved
from gongyou.members.models import Membership, Transfer
from gongyou.members.transfers import bulk_transfer

S = Membership.Status


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _check(org: Org, to_org: Org | None) -> None:
    if org.status != Org.Status.ACTIVE:
        raise _error("org", _("这个工会已经撤销"), "already_dissolved")
    if Org.objects.filter(parent=org, status=Org.Status.ACTIVE).exists() or Org.objects.filter(
        second_manager=org, status=Org.Status.ACTIVE
    ).exists():
        raise _error("org", _("请先撤销或合并它的下级工会"), "has_children")
    waiting = Membership.objects.filter(org=org, status__in=[S.APPLIED, S.TRANSFERRING, S.SUSPENDED]).exists()
    incoming = Transfer.objects.filter(to_org=org, status=Transfer.Status.PENDING).exists()
    if waiting or incoming:
        raise _error("org", _("还有待审批的入会申请、待接收的接转或暂停的会籍，请先处理"), "pending_members")
    if to_org is None:
        return
    if to_org.pk == org.pk:
        raise _error("to_org", _("不能转入要撤销的工会本身"), "same_org")
    if to_org.status != Org.Status.ACTIVE:
        raise _error("to_org", _("转入工会已撤销"), "org_inactive")
    if OrgReach.objects.filter(ancestor=org, descendant=to_org).exists():
        raise _error("to_org", _("不能转入要撤销工会的下级工会"), "to_descendant")


@transaction.atomic
def dissolve_org(org: Org, *, actor: Actor, reason: str, transfer_to: Org | None = None) -> Org:
    """Dissolve a union: only with no active members, or after moving every active member to
    `transfer_to` (one transfer each, accepted at once). Refused while it has active sub-unions
    or undecided applications, transfers or suspensions — nobody may be left without an org."""
    locked = Org.objects.select_for_update().get(pk=org.pk)
    if transfer_to is not None:
        # Read afresh under a lock: the caller's copy may predate the target's own dissolution.
        transfer_to = Org.objects.select_for_update().get(pk=transfer_to.pk)
    _check(locked, transfer_to)
    active = list(Membership.objects.select_for_update().filter(org=locked, status=S.ACTIVE).order_by("pk"))
    if active and transfer_to is None:
        raise _error("to_org", _("这个工会还有%(n)d名会员，请选择把他们转入哪个工会") % {"n": len(active)}, "has_members")
    if active:
        assert transfer_to is not None
        with record_language():
            note = reason or _("原工会撤销")
        bulk_transfer(active, transfer_to, actor=actor, reason=note)
    return mark_org_dissolved(locked, actor=actor, reason=reason)


@transaction.atomic
def merge_orgs(source: Org, into: Org, *, actor: Actor, reason: str) -> Org:
    """Merge `source` into `into`: every active member moves (their history keeps the transfer)
    and `source` is dissolved, recorded as merged into `into`."""
    locked = Org.objects.select_for_update().get(pk=source.pk)
    into = Org.objects.select_for_update().get(pk=into.pk)
    _check(locked, into)
    active = list(Membership.objects.select_for_update().filter(org=locked, status=S.ACTIVE).order_by("pk"))
    if active:
        with record_language():
            note = reason or _("工会合并")
        bulk_transfer(active, into, actor=actor, reason=note)
    return mark_org_dissolved(locked, actor=actor, reason=reason, merged_into=into)
