"""Programmes get budgets from accounts; spending is held to the budget and the balance; budget
vs actual is derived from the transactions; reports by source, org and period."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.core.actors import COMMAND
from gongyou.funds.errors import Refused
from gongyou.funds.models import Account, Budget
from gongyou.funds.reports import budget_vs_actual, by_org, by_source, flows_by_period, reconcile, trial_balance
from gongyou.funds.services import create_programme, post_transaction, reverse_transaction, set_budget, spend
from gongyou.funds.tests.conftest import posting


@pytest.fixture
def funded(ledger, world):
    post_transaction(ledger.finance, ledger.city_fund, posting(10_000, date="2026-01-10"), actor=COMMAND)
    programme = create_programme(world.city, "夏日送清凉", actor=COMMAND)
    set_budget(programme, ledger.city_fund, 6_000, actor=COMMAND)
    return programme


def test_spending_is_held_to_the_budget(ledger, funded):
    spend(funded, ledger.city_fund, posting(4_000), actor=COMMAND)
    with pytest.raises(Refused) as exc:
        spend(funded, ledger.city_fund, posting(2_001), actor=COMMAND)
    assert exc.value.code == "over_budget"
    spend(funded, ledger.city_fund, posting(2_000), actor=COMMAND)
    assert Account.objects.get(pk=ledger.city_fund.pk).balance_fen == 4_000
    assert Account.objects.get(org=ledger.city_fund.org, source="expense").balance_fen == 6_000


def test_spending_needs_a_budget_line_for_the_account(ledger, funded):
    with pytest.raises(Refused) as exc:
        spend(funded, ledger.street_fund, posting(1), actor=COMMAND)
    assert exc.value.code == "no_budget"


def test_budget_vs_actual_counts_spending_net_of_reversals(ledger, funded):
    first = spend(funded, ledger.city_fund, posting(1_500), actor=COMMAND).transaction
    spend(funded, ledger.city_fund, posting(500), actor=COMMAND)
    reverse_transaction(first, actor=COMMAND)
    (line,) = budget_vs_actual(type(funded).objects.filter(pk=funded.pk))
    assert (line.budget_fen, line.actual_fen, line.remaining_fen) == (6_000, 500, 5_500)
    assert Budget.objects.get(pk=line.budget.pk).spent_fen == 500
    assert reconcile() == []


def test_a_budget_cannot_drop_below_what_is_spent(ledger, funded):
    spend(funded, ledger.city_fund, posting(3_000), actor=COMMAND)
    with pytest.raises(Refused) as exc:
        set_budget(funded, ledger.city_fund, 2_999, actor=COMMAND)
    assert exc.value.code == "below_spent"


def test_reports_by_source_org_and_period(ledger, world, funded):
    post_transaction(ledger.city_fund, ledger.street_fund, posting(1_000, date="2026-02-03"), actor=COMMAND)
    sources = {r["source"]: r["balance_fen"] for r in by_source(Account.objects.all())}
    assert sources == {"city_finance": -10_000, "union_city": 9_000, "union_street": 1_000}
    orgs = {(r["org_id"], r["source"]): r["balance_fen"] for r in by_org(Account.objects.all())}
    assert orgs[(world.street_fed.pk, "union_street")] == 1_000
    feb = {
        r["account"].pk: r for r in flows_by_period(Account.objects.all(), dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    }
    assert (feb[ledger.city_fund.pk]["in_fen"], feb[ledger.city_fund.pk]["out_fen"]) == (0, 1_000)
    assert feb[ledger.street_fund.pk]["net_fen"] == 1_000
    assert trial_balance(Account.objects.all()).total_fen == 0


def test_a_retried_spending_with_the_same_key_spends_once(ledger, funded):
    first = spend(funded, ledger.city_fund, posting(1_000, key="buy-1"), actor=COMMAND)
    again = spend(funded, ledger.city_fund, posting(1_000, key="buy-1"), actor=COMMAND)
    assert again.transaction.pk == first.transaction.pk and not again.created
    assert Budget.objects.get(programme=funded).spent_fen == 1_000
    assert Account.objects.get(pk=ledger.city_fund.pk).balance_fen == 9_000
