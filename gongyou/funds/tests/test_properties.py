"""Ledger invariants under random postings and reversals (hypothesis): every running balance
equals the sum of its transactions, no account that may not go negative does, the city sums to 0."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongyou.core.actors import COMMAND
from gongyou.funds.errors import Refused
from gongyou.funds.models import Account, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.funds.services import open_account, post_transaction, reverse_transaction
from gongyou.funds.tests.conftest import posting

step = st.one_of(
    st.tuples(st.just("post"), st.integers(0, 4), st.integers(0, 4), st.integers(1, 5000)),
    st.tuples(st.just("reverse"), st.integers(0, 200), st.just(0), st.just(0)),
)


@pytest.fixture
def accounts(world):
    return [
        open_account(world.city, "city_finance", actor=COMMAND),
        open_account(world.district, "district_finance", actor=COMMAND),
        open_account(world.city, "union_city", actor=COMMAND),
        open_account(world.street_fed, "union_street", actor=COMMAND),
        open_account(world.street_union_food, "member_service", actor=COMMAND),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_postings_and_reversals_keep_every_balance_derived(accounts, steps):
    made: list[int] = []
    for op, a, b, amount in steps:
        try:
            if op == "post":
                made.append(post_transaction(accounts[a], accounts[b], posting(amount), actor=COMMAND).transaction.pk)
            elif made:
                reverse_transaction(Transaction.objects.get(pk=made[a % len(made)]), actor=COMMAND)
        except Refused as exc:
            assert exc.code in {"same_account", "insufficient_funds", "already_reversed", "not_reversible"}
    assert reconcile() == []
    assert trial_balance(Account.objects.all()).total_fen == 0
    assert not Account.objects.filter(may_go_negative=False, balance_fen__lt=0).exists()


def test_reconcile_reports_a_balance_that_drifted(accounts):
    post_transaction(accounts[0], accounts[2], posting(100), actor=COMMAND)
    Account.objects.filter(pk=accounts[2].pk).update(balance_fen=90)
    (drift,) = reconcile()
    assert (drift.account_id, drift.stored_fen, drift.derived_fen) == (accounts[2].pk, 90, 100)
