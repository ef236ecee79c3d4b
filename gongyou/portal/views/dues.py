"""A worker pays dues on the portal (issue 11 §4): record only. The worker paid by other means
(their platform's withholding, a transfer) and reports the payment's voucher number; the
payment goes through funds.dues.pay_dues_by_worker, whose PaymentGateway is where a real
payment provider would plug in. Paying up after a lapse reinstates the same membership."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongyou.core.actors import Actor
from gongyou.funds.dues import OWING, dues_status, pay_dues_by_worker
from gongyou.members.models import Membership
from gongyou.portal.forms import DuesForm
from gongyou.portal.session import member_required
from gongyou.portal.views.common import add_errors, page

# Who may pay: members in good standing or suspended, and lapsed ones (to be reinstated).
MAY_PAY = (*OWING, Membership.Status.LAPSED)


@member_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    status = dues_status(membership)
    may_pay = status.schedule is not None and membership.status in MAY_PAY
    form = DuesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and may_pay and form.is_valid():
        amount = form.cleaned_data["periods"] * status.schedule.amount_fen  # type: ignore[union-attr]
        try:
            result = pay_dues_by_worker(
                membership,
                amount,
                reference=form.cleaned_data["reference"],
                actor=Actor.worker(membership.member_no or ""),
            )
        except ValidationError as exc:
            add_errors(form, exc, {"amount_fen": "periods"})
        else:
            p = result.payment
            if result.created:
                messages.success(
                    request,
                    _("已记录会费 %(amount)s 分，缴至 %(until)s。")
                    % {"amount": p.amount_fen, "until": p.covers_until.isoformat()},
                )
            else:
                messages.info(request, _("这笔缴费已经记录过了。"))
            if result.reinstated:
                messages.success(request, _("会籍已恢复，会员编号不变。"))
            return redirect("portal:me")
    context = {
        "membership": membership,
        "dues": status,
        "may_pay": may_pay,
        "form": form,
        "amounts": [(n, n * status.schedule.amount_fen) for n, _label in form.fields["periods"].choices]  # type: ignore[attr-defined]
        if status.schedule
        else [],
    }
    return page(request, "portal/dues.html", context, status=400 if form.errors else 200)
