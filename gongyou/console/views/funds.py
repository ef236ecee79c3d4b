"""Funds pages (issue 11): the accounts in scope with their balances, the dues schedule (the city
sets it, a district or street overrides it for its own region), dues payment import with per-row
errors and an error file, and the arrears list with reminders. Writes go through
funds.services / funds.dues (audited); reads through funds.access / funds.dues."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.console import exports
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, paginate
from gongyou.core import excel, jobs
from gongyou.core.access import root_org
from gongyou.core.excel import Sheet
from gongyou.core.models import Region
from gongyou.funds.access import (
    account_in_scope,
    accounts_in_scope,
    programmes_in_scope,
    transaction_in_scope,
)
from gongyou.funds.dues import arrears, owing_since, schedule_for, set_dues_schedule
from gongyou.funds.dues_import import DuesImport, RowError, error_file, import_dues_payments
from gongyou.funds.inputs import clean_amount_fen, clean_date, clean_posting
from gongyou.funds.models import Account, DuesSchedule, Transaction
from gongyou.funds.reports import budget_vs_actual, by_org, by_source, flows_by_period, trial_balance
from gongyou.funds.services import post_transaction, reverse_transaction
from gongyou.funds.tasks import remind_arrears
from gongyou.funds.vocab import Period, Source
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


def arrears_sheet(user: Any) -> tuple[str, list[str], Any]:
    """Title, header and rows of the arrears export (console.exports builds it in the background
    when the list is long)."""
    members: Any = arrears(memberships_for(user)).iterator(chunk_size=2000)  # rows carry paid_until
    rows = ((m.member_no, m.person.name, m.org.name, m.paid_until, owing_since(m)) for m in members)
    return _("欠缴会费名单"), [_("会员编号"), _("姓名"), _("所属工会"), _("缴至"), _("欠缴起始")], rows


@console_view
def arrears_export(request: HttpRequest) -> HttpResponse:
    # At a city's scale every member may owe, and the exact count of a million-row aggregate
    # takes seconds: counted only up to the inline limit, beyond which the file is built by a
    # background job (its progress then counts up to the rows written, not to a known total).
    count = _arrears(request)[: settings.GONGYOU_EXPORT_INLINE_ROWS + 1].count()
    return exports.respond(request, "arrears", count, {})


@console_view
def arrears_remind(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:arrears")
    # A worker sends them (one SMS each; the page does not wait for the gateway).
    jobs.enqueue(remind_arrears, request.user.pk, actor(request).label, user=request.user)
    messages.success(request, _("催缴短信已交由后台发送，结果记入审计日志。"))
    return redirect("console:arrears")


# --- postings, transfer, reversal -------------------------------------------------------------


def _postings(request: HttpRequest, pk: int) -> tuple[Account, QuerySet[Transaction]]:
    account = account_in_scope(request.user, pk)
    txns = Transaction.objects.filter(Q(from_account=account) | Q(to_account=account)).select_related(
        "from_account__org", "to_account__org", "programme", "reversed_by"
    )
    return account, txns.order_by("-posted_at", "-id")


@console_view
def account_postings(request: HttpRequest, pk: int) -> HttpResponse:
    account, txns = _postings(request, pk)
    context = paginate(request, txns)
    context.update(account=account, can_write=can_write(request.user))
    return render(request, "console/funds/postings.html", context)


@console_view
def account_postings_export(request: HttpRequest, pk: int) -> HttpResponse:
    account, txns = _postings(request, pk)
    header = [_("流水"), _("业务日期"), _("类型"), _("付款账户"), _("收款账户"), _("金额（分）"), _("摘要"), _("冲正")]
    rows = (
        (
            t.pk,
            t.value_date,
            t.get_kind_display(),
            str(t.from_account),
            str(t.to_account),
            t.amount_fen,
            t.memo,
            t.reverses_id or "",
        )
        for t in txns
    )
    return excel.export(_("经费流水"), header, rows)


@console_view
def transfer(request: HttpRequest) -> HttpResponse:
    """Move money between two accounts in scope; the form carries an idempotency key, so a double
    submit posts once."""
    accounts = accounts_in_scope(request.user).order_by("org__name", "source")
    error = ""
    if request.method == "POST":
        try:
            posting = clean_posting(
                {
                    "amount_fen": request.POST.get("amount_fen", ""),
                    "memo": request.POST.get("memo"),
                    "date": request.POST.get("date"),
                    "idempotency_key": request.POST.get("key"),
                }
            )
            source = account_in_scope(request.user, request.POST.get("from_account") or 0)
            target = account_in_scope(request.user, request.POST.get("to_account") or 0)
            post_transaction(source, target, posting, actor=actor(request))
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("转账已记账。"))
            return redirect("console:fund_postings", source.pk)
    context = {
        "accounts": accounts,
        "error": error,
        "form": request.POST if error else {},
        "key": request.POST.get("key") if error else uuid.uuid4().hex,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "console/funds/transfer.html", context, status=400 if error else 200)


@console_view
def reverse_posting(request: HttpRequest, pk: int) -> HttpResponse:
    original = transaction_in_scope(request.user, pk)
    both = {original.from_account_id, original.to_account_id}
    if accounts_in_scope(request.user).filter(pk__in=both).count() != len(both):
        raise Http404  # a reversal moves money on both sides: both must be in scope
    error = ""
    if request.method == "POST":
        try:
            reverse_transaction(original, memo=request.POST.get("memo", ""), actor=actor(request))
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已冲正。"))
            return redirect("console:fund_postings", original.from_account_id)
    context = {"txn": original, "error": error}
    return render(request, "console/funds/reverse.html", context, status=409 if error else 200)


# --- reports ---------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = clean_date(request.GET.get("from") or today.replace(month=1, day=1).isoformat())
        end = clean_date(request.GET.get("to") or today.isoformat())
    except ValidationError:
        start, end = today.replace(month=1, day=1), today
    return start, end


def _report(request: HttpRequest) -> dict[str, Any]:
    accounts = accounts_in_scope(request.user)
    start, end = _period(request)
    labels = dict(Source.choices)
    return {
        "trial": trial_balance(accounts),
        "sources": [{**r, "label": labels.get(r["source"], r["source"])} for r in by_source(accounts)],
        "orgs": [{**r, "label": labels.get(r["source"], r["source"])} for r in by_org(accounts)],
        "flows": flows_by_period(accounts, start, end),
        "lines": budget_vs_actual(programmes_in_scope(request.user)),
        "start": start,
        "end": end,
    }


@console_view
def reports(request: HttpRequest) -> HttpResponse:
    context = _report(request)
    context["query"] = request.GET.urlencode()
    return render(request, "console/funds/reports.html", context)


@console_view
def reports_export(request: HttpRequest) -> HttpResponse:
    r = _report(request)
    sheets = [
        Sheet(
            _("按来源"),
            [_("经费来源"), _("账户数"), _("余额（分）")],
            [(s["label"], s["accounts"], s["balance_fen"]) for s in r["sources"]],
        ),
        Sheet(
            _("按工会"),
            [_("所属工会"), _("经费来源"), _("余额（分）")],
            [(o["org__name"], o["label"], o["balance_fen"]) for o in r["orgs"]],
        ),
        Sheet(
            _("按期间"),
            [_("账户"), _("收入（分）"), _("支出（分）"), _("净额（分）")],
            [(str(f["account"]), f["in_fen"], f["out_fen"], f["net_fen"]) for f in r["flows"]],
        ),
        Sheet(
            _("按项目"),
            [_("项目"), _("预算账户"), _("预算（分）"), _("实际支出（分）")],
            [(x.budget.programme.name, str(x.budget.account), x.budget_fen, x.actual_fen) for x in r["lines"]],
        ),
        Sheet(_("试算平衡"), [_("账户数"), _("余额合计（分）")], [(r["trial"].accounts, r["trial"].total_fen)]),
    ]
    return excel.xlsx_response(_("经费报表"), excel.workbook_bytes(sheets))
