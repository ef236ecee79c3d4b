"""Concurrent postings with real threads and connections (pattern of members/tests/test_races.py),
on SQLite and, with DATABASE_URL, on PostgreSQL: no lost update, no overdraft."""

from __future__ import annotations

import pytest

from gongyou.core.actors import COMMAND
from gongyou.core.services import load_regions
from gongyou.core.testing import build_world
from gongyou.funds.errors import Refused
from gongyou.funds.models import Account, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.funds.services import open_account, post_transaction, reverse_transaction
from gongyou.funds.tests.conftest import posting
from gongyou.members.tests.test_races import run_concurrently


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def test_fifty_threads_posting_lose_no_update(tworld):
    finance = open_account(tworld.city, "city_finance", actor=COMMAND)
    funds = [open_account(org, "union_street", actor=COMMAND) for org in (tworld.street_fed, tworld.other_street_fed)]

    def attempt(i: int):
        return post_transaction(finance, funds[i % 2], posting(100 + i), actor=COMMAND).transaction.pk

    results, errors = run_concurrently(50, attempt)
    assert errors == []
    assert len(set(results)) == 50
    assert Account.objects.get(pk=finance.pk).balance_fen == -sum(100 + i for i in range(50))
    assert reconcile() == []
    assert trial_balance(Account.objects.all()).total_fen == 0


def test_twenty_withdrawals_of_ten_from_a_hundred_exactly_ten_succeed(tworld):
    finance = open_account(tworld.city, "city_finance", actor=COMMAND)
    fund = open_account(tworld.city, "union_city", actor=COMMAND)
    target = open_account(tworld.street_fed, "union_street", actor=COMMAND)
    post_transaction(finance, fund, posting(100), actor=COMMAND)

    results, errors = run_concurrently(
        20, lambda i: post_transaction(fund, target, posting(10), actor=COMMAND).transaction.pk
    )
    assert len(results) == 10 and len(errors) == 10
    assert all(isinstance(e, Refused) and e.code == "insufficient_funds" for e in errors), errors
    assert Account.objects.get(pk=fund.pk).balance_fen == 0
    assert Account.objects.get(pk=target.pk).balance_fen == 100
    assert reconcile() == []


def test_one_idempotency_key_retried_at_once_makes_one_transaction(tworld):
    finance = open_account(tworld.city, "city_finance", actor=COMMAND)
    fund = open_account(tworld.city, "union_city", actor=COMMAND)
    results, errors = run_concurrently(
        10, lambda i: post_transaction(finance, fund, posting(50, key="retry"), actor=COMMAND).transaction.pk
    )
    assert errors == [] and len(set(results)) == 1
    assert Transaction.objects.count() == 1
    assert Account.objects.get(pk=fund.pk).balance_fen == 50


def test_concurrent_reversals_reverse_once(tworld):
    finance = open_account(tworld.city, "city_finance", actor=COMMAND)
    fund = open_account(tworld.city, "union_city", actor=COMMAND)
    original = post_transaction(finance, fund, posting(70), actor=COMMAND).transaction
    results, errors = run_concurrently(8, lambda i: reverse_transaction(Transaction(pk=original.pk), actor=COMMAND).pk)
    assert len(results) == 1
    assert all(isinstance(e, Refused) and e.code == "already_reversed" for e in errors), errors
    assert Account.objects.get(pk=fund.pk).balance_fen == 0
