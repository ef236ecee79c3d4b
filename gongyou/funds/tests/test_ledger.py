"""The ledger's rules: integer fen only, two accounts, no overdraft, idempotent postings,
append-only transactions, reversal once, opening balances as postings, zero trial balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import clean_amount_fen
from gongyou.funds.models import Account, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.funds.services import open_account, post_transaction, record_opening_balance, reverse_transaction
from gongyou.funds.tests.conftest import posting


def balances(*accounts):
    return [Account.objects.get(pk=a.pk).balance_fen for a in accounts]


@pytest.mark.parametrize(
    "bad", [0, -5, 1.5, 100.0, "12.50", "100.0", "1e3", "", None, True, Decimal("10"), "abc", 10**11]
)
def test_amounts_other_than_positive_whole_fen_are_refused(bad):
    with pytest.raises(Refused) as exc:
        clean_amount_fen(bad)
    assert exc.value.code == "invalid_amount"


@pytest.mark.parametrize(("good", "fen"), [(1, 1), (1250, 1250), ("300", 300), (" 42 ", 42)])
def test_whole_fen_as_int_or_digit_text_is_accepted(good, fen):
    assert clean_amount_fen(good) == fen


def test_a_posting_moves_money_and_keeps_the_city_at_zero(ledger):
    posted = post_transaction(ledger.finance, ledger.city_fund, posting(100_000), actor=COMMAND)
    assert posted.created
    assert balances(ledger.finance, ledger.city_fund) == [-100_000, 100_000]
    post_transaction(ledger.city_fund, ledger.street_fund, posting(30_000), actor=COMMAND)
    assert balances(ledger.city_fund, ledger.street_fund) == [70_000, 30_000]
    assert trial_balance(Account.objects.all()).total_fen == 0
    assert reconcile() == []
    assert AuditLog.objects.filter(action="funds.transfer", object_id=str(posted.transaction.pk)).count() == 1


def test_same_account_is_refused(ledger):
    with pytest.raises(Refused) as exc:
        post_transaction(ledger.city_fund, ledger.city_fund, posting(1), actor=COMMAND)
    assert exc.value.code == "same_account"


def test_an_account_that_may_not_go_negative_refuses_an_overdraft(ledger):
    post_transaction(ledger.finance, ledger.city_fund, posting(100), actor=COMMAND)
    with pytest.raises(Refused) as exc:
        post_transaction(ledger.city_fund, ledger.street_fund, posting(101), actor=COMMAND)
    assert exc.value.code == "insufficient_funds" and exc.value.conflict
    assert balances(ledger.city_fund, ledger.street_fund) == [100, 0]
    assert Transaction.objects.count() == 1


def test_the_database_itself_refuses_an_overdraft(ledger):
    with pytest.raises(DatabaseError), transaction.atomic():
        Account.objects.filter(pk=ledger.city_fund.pk).update(balance_fen=-1)


def test_the_same_idempotency_key_returns_the_same_transaction(ledger):
    first = post_transaction(ledger.finance, ledger.city_fund, posting(500, key="k-1"), actor=COMMAND)
    again = post_transaction(ledger.finance, ledger.city_fund, posting(500, key="k-1"), actor=COMMAND)
    assert again.transaction.pk == first.transaction.pk and not again.created
    assert Transaction.objects.count() == 1
    assert balances(ledger.city_fund) == [500]


def test_an_idempotency_key_reused_for_another_posting_is_refused(ledger):
    post_transaction(ledger.finance, ledger.city_fund, posting(500, key="k-1"), actor=COMMAND)
    with pytest.raises(Refused) as exc:
        post_transaction(ledger.finance, ledger.city_fund, posting(600, key="k-1"), actor=COMMAND)
    assert exc.value.code == "idempotency_key_reused"


def test_posted_transactions_are_never_changed_or_deleted_by_the_orm(ledger):
    txn = post_transaction(ledger.finance, ledger.city_fund, posting(500), actor=COMMAND).transaction
    txn.memo = "改"
    with pytest.raises(PermissionError):
        txn.save()
    with pytest.raises(PermissionError):
        txn.delete()
    with pytest.raises(PermissionError):
        Transaction.objects.filter(pk=txn.pk).update(memo="改")
    with pytest.raises(PermissionError):
        Transaction.objects.filter(pk=txn.pk).delete()


def test_the_database_refuses_to_rewrite_a_transaction(ledger):
    txn = post_transaction(ledger.finance, ledger.city_fund, posting(500), actor=COMMAND).transaction
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE funds_transaction SET amount_fen = 1 WHERE id = %s", [txn.pk])
    assert Transaction.objects.get(pk=txn.pk).amount_fen == 500


def test_the_database_refuses_to_delete_a_transaction(ledger):
    from gongyou.core.db import audit_purge_allowed

    txn = post_transaction(ledger.finance, ledger.city_fund, posting(500), actor=COMMAND).transaction
    with audit_purge_allowed(False), pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM funds_transaction WHERE id = %s", [txn.pk])
    assert Transaction.objects.filter(pk=txn.pk).exists()


def test_a_reversal_is_a_new_linked_transaction_and_happens_once(ledger):
    original = post_transaction(ledger.finance, ledger.city_fund, posting(800), actor=COMMAND).transaction
    reversal = reverse_transaction(original, memo="录错", actor=COMMAND)
    assert reversal.reverses_id == original.pk and reversal.kind == "reversal"
    assert (reversal.from_account_id, reversal.to_account_id, reversal.amount_fen) == (
        ledger.city_fund.pk,
        ledger.finance.pk,
        800,
    )
    assert balances(ledger.finance, ledger.city_fund) == [0, 0]
    with pytest.raises(Refused) as exc:
        reverse_transaction(original, actor=COMMAND)
    assert exc.value.code == "already_reversed"
    with pytest.raises(Refused) as exc:
        reverse_transaction(reversal, actor=COMMAND)
    assert exc.value.code == "not_reversible"
    assert Transaction.objects.count() == 2


def test_a_reversal_may_not_overdraw_the_receiving_account(ledger):
    original = post_transaction(ledger.finance, ledger.city_fund, posting(800), actor=COMMAND).transaction
    post_transaction(ledger.city_fund, ledger.street_fund, posting(500), actor=COMMAND)
    with pytest.raises(Refused) as exc:
        reverse_transaction(original, actor=COMMAND)
    assert exc.value.code == "insufficient_funds"


def test_an_opening_balance_is_a_posting_from_past_balances(ledger):
    posted = record_opening_balance(ledger.street_fund, posting(12_345), actor=COMMAND)
    assert posted.transaction.kind == "opening"
    opening = Account.objects.get(org=ledger.street_fund.org, source="opening")
    assert opening.may_go_negative
    assert balances(opening, ledger.street_fund) == [-12_345, 12_345]
    assert trial_balance(Account.objects.all()).total_fen == 0


def test_accounts_default_to_no_overdraft_except_where_money_enters(world):
    assert not open_account(world.district, "union_district", actor=COMMAND).may_go_negative
    assert open_account(world.district, "district_finance", actor=COMMAND).may_go_negative
    assert open_account(world.platform_union, "hq_union", actor=COMMAND).may_go_negative
    with pytest.raises(Refused) as exc:
        open_account(world.district, "union_district", actor=COMMAND)
    assert exc.value.code == "account_exists"


def test_a_scope_sums_its_own_accounts(ledger, world):
    post_transaction(ledger.finance, ledger.street_fund, posting(700), actor=COMMAND)
    post_transaction(ledger.finance, ledger.other_fund, posting(300), actor=COMMAND)
    street = trial_balance(Account.objects.filter(org=world.street_fed))
    assert (street.total_fen, street.accounts) == (700, 1)
