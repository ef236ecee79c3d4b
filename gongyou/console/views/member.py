"""One member: history, transfers, audited reveal of ID/phone, lifecycle actions and starting a
transfer. Every change goes through gongyou.members services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, safe_next
from gongyou.core.models import Org
from gongyou.members import services, transfers
from gongyou.members.access import membership_for
from gongyou.members.models import Membership, Transfer
from gongyou.positions.access import member_checkins_for

S = Membership.Status


@console_view
def member_detail(request: HttpRequest, member_no: str) -> HttpResponse:
    membership = membership_for(request.user, member_no)
    context = {
        "m": membership,
        "p": membership.person,
        "events": membership.events.select_related("from_org", "to_org"),
        "transfers": membership.transfers.select_related("from_org", "to_org"),
        "visits": member_checkins_for(request.user, membership),
        "S": S,
        "can_write": can_write(request.user),
    }
    return render(request, "console/members/detail.html", context)


@require_POST
@console_view
def member_reveal(request: HttpRequest, member_no: str) -> HttpResponse:
    membership = membership_for(request.user, member_no)
    field = request.POST.get("field", "")
    context: dict[str, Any] = {"m": membership, "field": field}
    try:
        context["value"] = services.reveal_person_field(
            membership.person, field, actor=actor(request), reason=request.POST.get("reason", ""), org=membership.org
        )
    except ValidationError as exc:
        context["error"] = error_text(exc)
    masked = membership.person.id_masked if field == "id_number" else membership.person.phone_masked
    context["masked"] = masked
    return render(request, "console/members/_reveal.html", context, status=200 if "value" in context else 400)


def _with_reason(func: Callable[..., Membership]) -> Callable[..., Membership]:
    def call(m: Membership, request: HttpRequest) -> Membership:
        return func(m, reason=request.POST.get("reason", ""), actor=actor(request))

    return call


ACTIONS: dict[str, tuple[Callable[[Membership, HttpRequest], Membership], str]] = {
    "approve": (lambda m, r: services.approve_membership(m, actor=actor(r)), "已批准入会"),
    "reject": (_with_reason(services.reject_application), "已不予通过"),
    "suspend": (_with_reason(services.suspend_membership), "会籍已暂停"),
    "reinstate": (lambda m, r: services.reinstate_membership(m, actor=actor(r)), "会籍已恢复"),
    "withdraw": (_with_reason(services.withdraw_membership), "已办理退会"),
}
# For makemessages: the flash texts above.
_MESSAGES = (_("已批准入会"), _("已不予通过"), _("会籍已暂停"), _("会籍已恢复"), _("已办理退会"))


@require_POST
@console_view
def member_action(request: HttpRequest, member_no: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    membership = membership_for(request.user, member_no)
    func, done = ACTIONS[action]
    try:
        func(membership, request)
        messages.success(request, _(done))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect(safe_next(request) or membership_url(membership))


def membership_url(m: Membership) -> str:
    from django.urls import reverse

    return reverse("console:member", args=[m.member_no])


@require_POST
@console_view
def member_transfer(request: HttpRequest, member_no: str) -> HttpResponse:
    """Start a transfer out of the member's current org; the target org's staff accept it."""
    membership = membership_for(request.user, member_no)
    to_org = Org.objects.filter(pk=request.POST.get("to_org") or 0, status=Org.Status.ACTIVE).first()
    if to_org is None:
        messages.error(request, _("请选择转入工会"))
        return redirect(membership_url(membership))
    try:
        transfers.request_transfer(
            membership, to_org, initiator=Transfer.Initiator.OLD_ORG, actor=actor(request),
            reason=request.POST.get("reason", "").strip(),
        )
        messages.success(request, _("已发起接转，等待%(org)s接收") % {"org": to_org.name})
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect(membership_url(membership))
