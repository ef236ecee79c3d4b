"""Transfers (接转): incoming and outgoing inboxes. Only the receiving side accepts or rejects;
only the sending side cancels; both can see the transfer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, int_list, paginate, safe_next
from gongyou.core import excel
from gongyou.core.access import org_in_scope, scope_org_ids
from gongyou.members import transfers as service
from gongyou.members.access import transfers_for
from gongyou.members.models import Transfer

BOXES = {"incoming": _l("转入"), "outgoing": _l("转出")}


def _box(request: HttpRequest) -> tuple[str, str, Any]:
    box = str(request.GET.get("box")) if request.GET.get("box") in BOXES else "incoming"
    status = request.GET.get("status", "pending")
    ids = scope_org_ids(request.user)
    qs = transfers_for(request.user).select_related("membership__person__work_street")
    if ids is not None:
        qs = qs.filter(**{"to_org__in" if box == "incoming" else "from_org__in": ids})
    if status in Transfer.Status.values:
        qs = qs.filter(status=status)
    return box, status, qs.order_by("-requested_at", "-id")


@console_view
def transfer_list(request: HttpRequest) -> HttpResponse:
    box, status, qs = _box(request)
    context = {
        "box": box, "status": status, "boxes": BOXES, "statuses": Transfer.Status.choices,
        "can_write": can_write(request.user), **paginate(request, qs),
    }
    context["rows"] = rows = list(context["rows"])
    # Ticking for bulk accept: incoming rows are the user's to decide (receiving side in scope).
    context["bulk"] = context["can_write"] and box == "incoming" and any(t.status == Transfer.Status.PENDING for t in rows)
    return render(request, "console/transfers/list.html", context)


def _rows(qs: Any) -> Iterator[list[Any]]:
    for t in qs.iterator(chunk_size=2000):
        m = t.membership
        yield [m.member_no, m.person.name, m.person.phone_masked, t.from_org.name, t.to_org.name, t.get_initiator_display(),
               t.reason, t.get_status_display(), t.requested_at, t.auto_accept_at, t.decided_at, t.decided_by, t.decision_note]


HEADER = [_l("会员编号"), _l("姓名"), _l("手机号码"), _l("转出工会"), _l("转入工会"), _l("发起方"), _l("原因"), _l("状态"),
          _l("申请时间"), _l("自动接收时间"), _l("处理时间"), _l("处理人"), _l("处理说明")]


@console_view
def transfer_export(request: HttpRequest) -> HttpResponse:
    box, _status, qs = _box(request)
    return excel.export(_("组织关系接转") + "-" + str(BOXES[box]), HEADER, _rows(qs))


def _visible(request: HttpRequest, pk: int) -> Transfer:
    transfer = transfers_for(request.user).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    return transfer


@require_POST
@console_view
def transfer_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("accept", "reject", "cancel"):
        raise Http404
    transfer = _visible(request, pk)
    note = request.POST.get("note", "").strip()
    withdrawing = ""
    if decision == "cancel":
        # The officer withdraws for the side of theirs that started it (members.transfers.may_withdraw).
        sides = [
            side for side, org in ((Transfer.Initiator.OLD_ORG, transfer.from_org), (Transfer.Initiator.NEW_ORG, transfer.to_org))
            if org_in_scope(request.user, org)
        ]
        withdrawing = next((side for side in sides if service.may_withdraw(transfer, side)), "")
        if not withdrawing:
            raise PermissionDenied(_("只有发起方可以撤回这笔接转。"))
    elif not org_in_scope(request.user, transfer.to_org):
        # They can see it (the other side is theirs) but this decision belongs to the other org.
        raise PermissionDenied(_("只有接收方可以接收或退回这笔接转。"))
    try:
        if decision == "accept":
            service.accept_transfer(transfer, actor=actor(request), note=note)
            messages.success(request, _("已接收 %(name)s 的组织关系") % {"name": transfer.membership.person.name})
        elif decision == "reject":
            service.reject_transfer(transfer, actor=actor(request), note=note)
            messages.success(request, _("已退回，会员留在原工会"))
        else:
            service.cancel_transfer(transfer, by=withdrawing, actor=actor(request), note=note)
            messages.success(request, _("已撤回这笔接转"))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect(safe_next(request) or "console:transfers")


@require_POST
@console_view
def transfer_bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the ticked incoming transfers one by one. Only transfers whose receiving side is in
    scope are touched (other ids are ignored like missing ones); one that fails — e.g. decided
    meanwhile — is reported and the rest still go through."""
    qs = transfers_for(request.user).filter(pk__in=int_list(request.POST.getlist("ids")))
    ids = scope_org_ids(request.user)
    if ids is not None:
        qs = qs.filter(to_org__in=ids)
    accepted, failures = 0, []
    for transfer in qs.order_by("requested_at", "id"):
        try:
            service.accept_transfer(transfer, actor=actor(request))
            accepted += 1
        except ValidationError as exc:
            failures.append(_("%(name)s：%(error)s") % {"name": transfer.membership.person.name, "error": error_text(exc)})
    if accepted:
        messages.success(request, _("已接收 %(n)d 笔接转") % {"n": accepted})
    if failures:
        messages.warning(
            request,
            _("%(n)d 笔接转未能接收：%(items)s") % {"n": len(failures), "items": pgettext("separator", "；").join(failures)},
        )
    if not accepted and not failures:
        messages.warning(request, _("请至少选择一笔待接收的接转"))
    return redirect(safe_next(request) or "console:transfers")
