"""Programme pages (issue 11 §3): programmes and campaigns get budgets from one or more accounts,
spending is recorded against a budget line, and budget vs actual is shown and exported. Every
write goes through funds.services (create_programme, set_budget, spend), each audited; reads
through funds.access, so an out-of-scope programme or account answers 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.benefits.access import campaigns_for
from gongyou.benefits.models import Campaign
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, paginate
from gongyou.core import excel
from gongyou.core.access import orgs_in_scope, root_org
from gongyou.funds.access import account_in_scope, accounts_in_scope, programme_in_scope, programmes_in_scope
from gongyou.funds.inputs import clean_amount_fen, clean_posting
from gongyou.funds.models import Account, Programme, Transaction
from gongyou.funds.reports import BudgetLine, budget_vs_actual
from gongyou.funds.services import NOT_BUDGETABLE, create_programme, set_budget, spend


def _lines(request: HttpRequest) -> list[BudgetLine]:
    return budget_vs_actual(programmes_in_scope(request.user))


def _linkable_campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    """Campaigns a programme may fund: organised by an org in the staff member's scope."""
    return campaigns_for(request.user).filter(org__in=orgs_in_scope(request.user)).order_by("-starts_at", "-id")


def _campaign_titles(programmes: list[Programme]) -> dict[int, str]:
    ids = {p.campaign_id for p in programmes if p.campaign_id}
    return dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}


# --- list and export --------------------------------------------------------------------------


@console_view
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes in scope, each with its total budget, actual spending and what remains."""
    context = paginate(request, programmes_in_scope(request.user).order_by("-created_at", "-id"))
    programmes = list(context["rows"])
    lines = budget_vs_actual(programmes_in_scope(request.user).filter(pk__in=[p.pk for p in programmes]))
    titles = _campaign_titles(programmes)
    totals: dict[int, list[int]] = {p.pk: [0, 0] for p in programmes}
    for line in lines:
        totals[line.budget.programme_id][0] += line.budget_fen
        totals[line.budget.programme_id][1] += line.actual_fen
    context["programmes"] = [
        {
            "programme": p,
            "campaign": titles.get(p.campaign_id or 0, ""),
            "budget_fen": totals[p.pk][0],
            "actual_fen": totals[p.pk][1],
            "remaining_fen": totals[p.pk][0] - totals[p.pk][1],
        }
        for p in programmes
    ]
    context["can_write"] = can_write(request.user)
    return render(request, "console/funds/programmes.html", context)


@console_view
def programme_export(request: HttpRequest) -> HttpResponse:
    """Budget vs actual, one row per budget line of every programme in scope."""
    header = [_("项目"), _("主办工会"), _("预算账户"), _("预算（分）"), _("实际支出（分）"), _("剩余（分）")]
    rows = (
        (
            line.budget.programme.name,
            line.budget.programme.org.name,
            str(line.budget.account),
            line.budget_fen,
            line.actual_fen,
            line.remaining_fen,
        )
        for line in _lines(request)
    )
    return excel.export(_("项目预算执行"), header, rows)


# --- create -----------------------------------------------------------------------------------


@console_view
def programme_new(request: HttpRequest) -> HttpResponse:
    """A programme of the staff member's own org, optionally funding one of the campaigns in scope."""
    campaigns = _linkable_campaigns(request)
    error = ""
    if request.method == "POST":
        org = root_org(request.user)
        if org is None:
            raise Http404
        raw = request.POST.get("campaign", "")
        campaign = campaigns.filter(pk=raw).first() if raw.isdigit() else None
        try:
            if raw and campaign is None:
                raise ValidationError(_("请选择范围内的服务活动"), code="invalid_campaign")
            programme = create_programme(
                org,
                request.POST.get("name", ""),
                campaign_id=campaign.pk if campaign else None,
                actor=actor(request),
            )
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已创建经费项目“%(name)s”。") % {"name": programme.name})
            return redirect("console:fund_programme", programme.pk)
    context = {"campaigns": campaigns, "error": error, "form": request.POST if error else {}}
    return render(request, "console/funds/programme_form.html", context, status=400 if error else 200)


# --- detail: budget lines, spending -----------------------------------------------------------


def _budget_accounts(request: HttpRequest) -> QuerySet[Account]:
    return accounts_in_scope(request.user).exclude(source__in=NOT_BUDGETABLE).order_by("org__name", "source")


def _spending(programme: Programme) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(programme=programme)
        .select_related("from_account__org", "to_account__org", "reversed_by")
        .order_by("-value_date", "-id")
    )


def _detail(request: HttpRequest, programme: Programme, **extra: Any) -> HttpResponse:
    lines = budget_vs_actual(Programme.objects.filter(pk=programme.pk))
    context = paginate(request, _spending(programme))
    writable = can_write(request.user)
    # Spending only out of lines whose account the staff member may move money from.
    line_accounts = [x.budget.account_id for x in lines]
    spendable = set(accounts_in_scope(request.user).filter(pk__in=line_accounts).values_list("pk", flat=True))
    context.update(
        programme=programme,
        campaign=Campaign.objects.filter(pk=programme.campaign_id).first() if programme.campaign_id else None,
        lines=lines,
        spend_lines=[x for x in lines if x.budget.account_id in spendable],
        total_budget=sum(x.budget_fen for x in lines),
        total_actual=sum(x.actual_fen for x in lines),
        accounts=_budget_accounts(request) if writable else [],
        can_write=writable,
        key=uuid.uuid4().hex,
        today=timezone.localdate().isoformat(),
        budget_error="",
        spend_error="",
        form={},
    )
    context["total_remaining"] = context["total_budget"] - context["total_actual"]
    context.update(extra)
    status = 400 if extra.get("budget_error") or extra.get("spend_error") else 200
    return render(request, "console/funds/programme.html", context, status=status)


@console_view
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, programme_in_scope(request.user, pk))


@console_view
def programme_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the programme a budget line out of an account in scope (again: change its amount)."""
    programme = programme_in_scope(request.user, pk)
    if request.method != "POST":
        return redirect("console:fund_programme", programme.pk)
    try:
        amount = clean_amount_fen(request.POST.get("amount_fen", ""))
        account = account_in_scope(request.user, request.POST.get("account") or 0)
        set_budget(programme, account, amount, actor=actor(request))
    except ValidationError as exc:
        return _detail(request, programme, budget_error=error_text(exc), form=request.POST)
    messages.success(request, _("预算已保存。"))
    return redirect("console:fund_programme", programme.pk)


@console_view
def programme_spend(request: HttpRequest, pk: int) -> HttpResponse:
    """Record spending out of one of the programme's budget lines: a posting from the line's
    account to its org's expense account, with memo, date and programme. The form carries an
    idempotency key, so a double submit spends once."""
    programme = programme_in_scope(request.user, pk)
    if request.method != "POST":
        return redirect("console:fund_programme", programme.pk)
    try:
        posting = clean_posting(
            {
                "amount_fen": request.POST.get("amount_fen", ""),
                "memo": request.POST.get("memo"),
                "date": request.POST.get("date"),
                "idempotency_key": request.POST.get("key"),
            }
        )
        account = account_in_scope(request.user, request.POST.get("account") or 0)
        posted = spend(programme, account, posting, actor=actor(request))
    except ValidationError as exc:
        return _detail(request, programme, spend_error=error_text(exc), form=request.POST, key=request.POST.get("key"))
    if posted.created:
        messages.success(request, _("支出已记账。"))
    else:
        messages.info(request, _("这笔支出已经记过账，没有重复记账。"))
    return redirect("console:fund_programme", programme.pk)


@console_view
def programme_spending_export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_in_scope(request.user, pk)
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
        for t in _spending(programme)
    )
    return excel.export(_("项目支出"), header, rows)
