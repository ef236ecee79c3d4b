"""Funds pages (issue 11): the accounts in scope with their balances, the dues schedule (the city
sets it, a district or street overrides it for its own region), dues payment import with per-row
errors and an error file, and the arrears list with reminders. Writes go through
funds.services / funds.dues (audited); reads through funds.access / funds.dues."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, paginate
from gongyou.core import excel
from gongyou.core.access import root_org
from gongyou.core.models import Region
from gongyou.funds.access import accounts_in_scope
from gongyou.funds.dues import arrears, owing_since, schedule_for, send_dues_reminders, set_dues_schedule
from gongyou.funds.dues_import import DuesImport, RowError, error_file, import_dues_payments
from gongyou.funds.inputs import clean_amount_fen, clean_date
from gongyou.funds.models import DuesSchedule
from gongyou.funds.reports import trial_balance
from gongyou.funds.vocab import Period
from gongyou.members.access import memberships_for

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
IMPORT_ERRORS = "funds.dues_import_errors"


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


# --- accounts ---------------------------------------------------------------------------------


@console_view
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = accounts_in_scope(request.user).order_by("org__name", "source")
    context = paginate(request, accounts)
    context["trial"] = trial_balance(accounts_in_scope(request.user))
    return render(request, "console/funds/accounts.html", context)


@console_view
def account_export(request: HttpRequest) -> HttpResponse:
    accounts = accounts_in_scope(request.user).order_by("org__name", "source")
    rows = (
        (
            a.pk,
            a.org.name,
            a.get_source_display(),
            a.balance_fen,
            _yuan(a.balance_fen),
            _("是") if a.may_go_negative else _("否"),
        )
        for a in accounts
    )
    header = [_("账户"), _("所属工会"), _("经费来源"), _("余额（分）"), _("余额（元）"), _("允许负余额")]
    return excel.export(_("经费账户"), header, rows)


# --- dues schedule ----------------------------------------------------------------------------


def _own_region(request: HttpRequest) -> Region:
    org = root_org(request.user)
    if org is None or org.region_id is None:
        raise Http404
    return org.region  # type: ignore[return-value]


@console_view
def dues_schedule(request: HttpRequest) -> HttpResponse:
    """The schedule in force for the staff member's region, its history and the overrides below."""
    region = _own_region(request)
    error = ""
    if request.method == "POST":
        try:
            amount = clean_amount_fen(request.POST.get("amount_fen", ""))
            start = clean_date(request.POST.get("effective_from"), field="effective_from")
            set_dues_schedule(
                region, amount, request.POST.get("period", ""), effective_from=start, actor=actor(request)
            )
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("会费标准已保存。"))
            return redirect("console:dues_schedule")
    today = timezone.localdate()
    own = DuesSchedule.objects.filter(region=region).select_related("region")
    below = DuesSchedule.objects.filter(region__parent=region) | DuesSchedule.objects.filter(
        region__parent__parent=region
    )
    context = {
        "region": region,
        "current": schedule_for(region, today),
        "own": own.order_by("-effective_from"),
        "overrides": below.select_related("region").order_by("region__code", "-effective_from"),
        "periods": Period.choices,
        "error": error,
        "form": request.POST if error else {},
        "today": today.isoformat(),
        "can_write": can_write(request.user),
    }
    return render(request, "console/funds/dues_schedule.html", context, status=400 if error else 200)


# --- dues import ------------------------------------------------------------------------------


@console_view
def dues_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "console/funds/dues_import.html", {})
    upload = request.FILES.get("file")
    if upload is None or (upload.size or 0) > MAX_UPLOAD_BYTES:
        error = _("请选择文件") if upload is None else _("文件不能超过 5 MB")
        return render(request, "console/funds/dues_import.html", {"error": error}, status=400)
    result = import_dues_payments(
        upload, upload.name or "", memberships=memberships_for(request.user), actor=actor(request)
    )
    # The refused rows stay with the uploader's session for the error file (no personal data).
    request.session[IMPORT_ERRORS] = [[e.row, e.field, e.code, e.message] for e in result.errors]
    return render(request, "console/funds/dues_import.html", {"result": result})


@console_view
def dues_import_errors(request: HttpRequest) -> HttpResponse:
    rows = request.session.get(IMPORT_ERRORS) or []
    if not rows:
        raise Http404
    result = DuesImport(errors=[RowError(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows])
    return excel.xlsx_response(_("会费导入错误"), error_file(result))


# --- arrears ----------------------------------------------------------------------------------


def _arrears(request: HttpRequest):  # type: ignore[no-untyped-def]
    return arrears(memberships_for(request.user))


@console_view
def arrears_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _arrears(request))
    for m in context["rows"]:
        m.owing_since = owing_since(m)
    context["can_write"] = can_write(request.user)
    return render(request, "console/funds/arrears.html", context)


@console_view
def arrears_export(request: HttpRequest) -> HttpResponse:
    rows = ((m.member_no, m.person.name, m.org.name, m.paid_until, owing_since(m)) for m in _arrears(request))
    return excel.export(_("欠缴会费名单"), [_("会员编号"), _("姓名"), _("所属工会"), _("缴至"), _("欠缴起始")], rows)


@console_view
def arrears_remind(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:arrears")
    sent = send_dues_reminders(memberships=memberships_for(request.user), actor=actor(request))
    messages.success(request, _("已发送 %(n)s 条催缴短信。") % {"n": sent})
    return redirect("console:arrears")
