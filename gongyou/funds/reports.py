"""Reading the ledger: reconciliation, trial balance, and reports by source, programme, org and
period (SPEC §7). Every report takes an account queryset, so a caller passes the accounts in
its scope (funds.access) and the report covers exactly those."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gongyou.funds.models import Account, Budget, Programme, Transaction


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    stored_fen: int
    derived_fen: int


def _sum(qs: QuerySet[Transaction], group: str) -> Subquery:
    return Subquery(
        qs.filter(**{group: OuterRef("pk")})
        .order_by()
        .values(group)
        .annotate(total=Sum("amount_fen"))
        .values("total")[:1]
    )


def with_derived_balance(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """Each account with `derived_fen`: what came in minus what went out, from the transactions."""
    txns = Transaction.objects.all()
    return accounts.annotate(
        derived_fen=Coalesce(_sum(txns, "to_account"), Value(0)) - Coalesce(_sum(txns, "from_account"), Value(0))
    )


def reconcile(accounts: QuerySet[Account] | None = None) -> list[Mismatch]:
    """Accounts whose running balance differs from the sum of their transactions (empty: all agree)."""
    qs = with_derived_balance(accounts if accounts is not None else Account.objects.all())
    return [
        Mismatch(a.pk, a.balance_fen, a.derived_fen)  # type: ignore[attr-defined]
        for a in qs.exclude(balance_fen=F("derived_fen")).order_by("pk")
    ]


@dataclass(frozen=True)
class TrialBalance:
    total_fen: int
    accounts: int


def trial_balance(accounts: QuerySet[Account]) -> TrialBalance:
    """The sum of the balances in scope; over the whole city it is always exactly 0."""
    row = accounts.aggregate(total=Coalesce(Sum("balance_fen"), Value(0)), n=Count("pk"))
    return TrialBalance(total_fen=int(row["total"]), accounts=int(row["n"]))


def by_source(accounts: QuerySet[Account]) -> list[dict[str, Any]]:
    """Balance per source: what each source brought in (negative) and holds (positive)."""
    return [
        dict(row)
        for row in accounts.order_by()
        .values("source")
        .annotate(balance_fen=Sum("balance_fen"), accounts=Count("pk"))
        .order_by("source")
    ]


def by_org(accounts: QuerySet[Account]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in accounts.order_by()
        .values("org_id", "org__name", "source")
        .annotate(balance_fen=Sum("balance_fen"))
        .order_by("org_id", "source")
    ]


def flows_by_period(accounts: QuerySet[Account], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per account in scope, money in and out with a value date in [start, end]."""
    window = Transaction.objects.filter(value_date__gte=start, value_date__lte=end)
    rows = accounts.annotate(
        in_fen=Coalesce(_sum(window, "to_account"), Value(0)),
        out_fen=Coalesce(_sum(window, "from_account"), Value(0)),
    ).select_related("org")
    return [
        {"account": a, "in_fen": a.in_fen, "out_fen": a.out_fen, "net_fen": a.in_fen - a.out_fen}
        for a in rows.order_by("org_id", "source")
    ]


@dataclass(frozen=True)
class BudgetLine:
    budget: Budget
    budget_fen: int
    actual_fen: int

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.actual_fen


def budget_vs_actual(programmes: QuerySet[Programme]) -> list[BudgetLine]:
    """Each budget line against its spending, net of reversals, derived from the transactions
    (not from the running `spent_fen`, which this lets a test check)."""
    lines = Budget.objects.filter(programme__in=programmes).select_related("programme", "account", "account__org")
    spent = {
        (r["programme_id"], r["from_account_id"]): r["total"]
        for r in Transaction.objects.filter(programme__in=programmes, kind="spending")
        .order_by()
        .values("programme_id", "from_account_id")
        .annotate(total=Sum("amount_fen"))
    }
    reversed_ = {
        (r["programme_id"], r["to_account_id"]): r["total"]
        for r in Transaction.objects.filter(programme__in=programmes, kind="reversal", reverses__kind="spending")
        .order_by()
        .values("programme_id", "to_account_id")
        .annotate(total=Sum("amount_fen"))
    }
    out = []
    for b in lines.order_by("programme_id", "account_id"):
        k = (b.programme_id, b.account_id)
        out.append(BudgetLine(b, b.amount_fen, spent.get(k, 0) - reversed_.get(k, 0)))
    return out
