"""Scoped reads: each persona sees the accounts, transactions, programmes and dues payments of
its own orgs; out of scope answers exactly like missing (404). Trial balance per scope."""

from __future__ import annotations

import pytest
from django.http import Http404

from gongyou.core.actors import COMMAND
from gongyou.funds import access
from gongyou.funds.reports import trial_balance
from gongyou.funds.services import create_programme, open_account, post_transaction
from gongyou.funds.tests.conftest import posting


@pytest.fixture
def booked(ledger, world):
    food = open_account(world.street_union_food, "member_service", actor=COMMAND)
    post_transaction(ledger.finance, ledger.city_fund, posting(1_000), actor=COMMAND)
    post_transaction(ledger.city_fund, ledger.street_fund, posting(400), actor=COMMAND)
    post_transaction(ledger.street_fund, food, posting(150), actor=COMMAND)
    post_transaction(ledger.city_fund, ledger.other_fund, posting(100), actor=COMMAND)
    return food


@pytest.mark.parametrize(
    ("persona", "sources", "total"),
    [
        ("city", 5, 0),
        ("street", 2, 400),
        ("viewer", 2, 400),
        ("other_street", 1, 100),
        ("station", 0, 0),
    ],
)
def test_each_persona_sees_and_sums_its_own_accounts(personas, booked, persona, sources, total):
    accounts = access.accounts_in_scope(personas[persona])
    assert accounts.count() == sources
    assert trial_balance(accounts).total_fen == total


def test_an_account_out_of_scope_is_not_found_like_a_missing_one(personas, ledger):
    assert access.account_in_scope(personas["street"], ledger.street_fund.pk) == ledger.street_fund
    with pytest.raises(Http404):
        access.account_in_scope(personas["other_street"], ledger.street_fund.pk)
    with pytest.raises(Http404):
        access.account_in_scope(personas["other_street"], 999_999)


def test_transactions_touching_the_scope_on_either_side(personas, booked, ledger):
    street = access.transactions_in_scope(personas["street"])
    assert street.count() == 2  # in from the city, out to the food union
    other = access.transactions_in_scope(personas["other_street"])
    (only,) = other
    with pytest.raises(Http404):
        access.transaction_in_scope(personas["other_street"], street.first().pk)
    assert access.transaction_in_scope(personas["other_street"], only.pk) == only


def test_programmes_in_scope(personas, world):
    mine = create_programme(world.street_fed, "送温暖", actor=COMMAND)
    create_programme(world.other_street_fed, "送清凉", actor=COMMAND)
    assert list(access.programmes_in_scope(personas["street"])) == [mine]
    with pytest.raises(Http404):
        access.programme_in_scope(personas["other_street"], mine.pk)


def test_listing_accounts_with_their_orgs_takes_one_query(personas, booked, django_assert_num_queries):
    user = personas["city"]
    user.staff_profile  # noqa: B018  (the profile is loaded once per request by the console)
    with django_assert_num_queries(1):
        rows = [(a.org.name, a.balance_fen) for a in access.accounts_in_scope(user)]
    assert len(rows) == 5
