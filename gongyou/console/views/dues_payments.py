"""Dues payments recorded by staff (issue 11 §4): the payments of the members in scope (list and
Excel), and a form for one payment — the member by member number, the period of the schedule in
force, the amount defaulting to that schedule's amount, a reference that makes it idempotent. A
lapsed member who pays up is reinstated with the same member number (funds.dues does both)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, paginate
from gongyou.core import excel
from gongyou.funds.access import dues_payments_in_scope
from gongyou.funds.dues import dues_status, record_dues_payment
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import clean_amount_fen, clean_date
from gongyou.funds.vocab import PaymentChannel
from gongyou.members.access import memberships_for
from gongyou.members.models import Membership


def _payments(request: HttpRequest):  # type: ignore[no-untyped-def]
    return dues_payments_in_scope(request.user).select_related("membership__org").order_by("-paid_on", "-id")


@console_view
def payment_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _payments(request))
    context["can_write"] = can_write(request.user)
    return render(request, "console/funds/dues_payments.html", context)


@console_view
def payment_export(request: HttpRequest) -> HttpResponse:
    header = [
        _("缴费流水号"),
        _("会员编号"),
        _("姓名"),
        _("所属工会"),
        _("金额（分）"),
        _("缴费日期"),
        _("缴费方式"),
        _("缴至起始"),
        _("缴至"),
    ]
    rows = (
        (
            p.reference,
            p.membership.member_no,
            p.membership.person.name,
            p.membership.org.name,
            p.amount_fen,
            p.paid_on,
            p.get_channel_display(),
            p.covers_from,
            p.covers_until,
        )
        for p in _payments(request)
    )
    return excel.export(_("会费缴纳记录"), header, rows)


def _member(request: HttpRequest, member_no: str) -> Membership:
    member_no = member_no.strip().upper()
    found = memberships_for(request.user).select_related("org__region").filter(member_no=member_no).first()
    if not member_no or found is None:
        # Missing and out of scope read alike.
        raise Refused("member_not_found", _("找不到这个会员编号"), field="member_no")
    return found


@console_view
def payment_new(request: HttpRequest) -> HttpResponse:
    """GET ?member_no= looks the member up and proposes the schedule's amount; POST records."""
    source = request.POST if request.method == "POST" else request.GET
    member_no = source.get("member_no", "")
    membership, status, error = None, None, ""
    if member_no:
        try:
            membership = _member(request, member_no)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            status = dues_status(membership)
    if request.method == "POST" and membership is not None:
        try:
            amount = clean_amount_fen(request.POST.get("amount_fen", ""))
            paid_on = clean_date(request.POST.get("paid_on"), field="paid_on")
            result = record_dues_payment(
                membership,
                amount,
                reference=request.POST.get("reference", ""),
                paid_on=paid_on,
                channel=PaymentChannel.STAFF,
                actor=actor(request),
            )
        except ValidationError as exc:
            error = error_text(exc)
        else:
            p = result.payment
            if not result.created:
                messages.info(request, _("流水号 %(ref)s 已登记过，没有重复入账。") % {"ref": p.reference})
            else:
                messages.success(
                    request,
                    _("已登记 %(no)s 的会费 %(amount)s 分，缴至 %(until)s。")
                    % {"no": membership.member_no, "amount": p.amount_fen, "until": p.covers_until.isoformat()},
                )
            if result.reinstated:
                messages.success(request, _("会籍已恢复，会员编号不变。"))
            return redirect(f"{request.path}?{urlencode({'member_no': membership.member_no or ''})}")
    schedule = status.schedule if status else None
    context = {
        "member_no": member_no,
        "membership": membership,
        "status": status,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "amount": request.POST.get("amount_fen")
        if request.method == "POST"
        else (schedule.amount_fen if schedule else ""),
        "today": timezone.localdate().isoformat(),
        "can_write": can_write(request.user),
    }
    return render(request, "console/funds/dues_payment_form.html", context, status=400 if error else 200)
