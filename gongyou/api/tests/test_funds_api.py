"""The staff funds endpoints answer exactly as issue 11's contract says."""

from __future__ import annotations

import pytest

from gongyou.api.tests.conftest import client_for
from gongyou.core.actors import COMMAND
from gongyou.core.services import issue_staff_token
from gongyou.funds.models import Account, Transaction
from gongyou.funds.services import open_account, record_opening_balance
from gongyou.funds.tests.conftest import posting

TXNS = "/api/v1/funds/transactions"


@pytest.fixture
def accounts(world):
    class Accounts:
        street = open_account(world.street_fed, "union_street", actor=COMMAND)
        service = open_account(world.street_fed, "member_service", actor=COMMAND)
        other = open_account(world.other_street_fed, "union_street", actor=COMMAND)

    record_opening_balance(Accounts.street, posting(100_00), actor=COMMAND)
    return Accounts


@pytest.fixture
def officer(personas):
    return client_for(issue_staff_token(personas["street"], actor=COMMAND))


@pytest.fixture
def city(personas):
    return client_for(issue_staff_token(personas["city"], actor=COMMAND))


def _body(accounts, amount=10_00, **extra):
    return {"from_account": accounts.street.pk, "to_account": accounts.service.pk, "amount_fen": amount, **extra}


def test_accounts_lists_the_accounts_in_scope_with_balances(officer, accounts, world):
    response = officer.get("/api/v1/funds/accounts")
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()["results"]}
    assert accounts.other.pk not in rows  # the other street's
    assert rows[accounts.street.pk] == {
        "id": accounts.street.pk,
        "org": {"id": world.street_fed.pk, "name": world.street_fed.name},
        "source": "union_street",
        "balance_fen": 100_00,
        "may_go_negative": False,
    }
    assert rows[accounts.service.pk]["balance_fen"] == 0


def test_posting_creates_once_per_idempotency_key(officer, accounts):
    first = officer.post(TXNS, _body(accounts, idempotency_key="k-1", memo="转入服务"), format="json")
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {"id", "from_account", "to_account", "amount_fen", "posted_at"}
    assert (body["from_account"], body["to_account"], body["amount_fen"]) == (
        accounts.street.pk,
        accounts.service.pk,
        10_00,
    )
    again = officer.post(TXNS, _body(accounts, idempotency_key="k-1", memo="转入服务"), format="json")
    assert again.status_code == 200
    assert again.json() == body
    assert Transaction.objects.filter(idempotency_key="k-1").count() == 1
    assert Account.objects.get(pk=accounts.service.pk).balance_fen == 10_00
    reused = officer.post(TXNS, _body(accounts, amount=5_00, idempotency_key="k-1"), format="json")
    assert reused.status_code == 409
    assert reused.json()["errors"]["idempotency_key"][0]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("amount", [0, -5, 10.5, 10.0, "12.50", "1e3", "10.0", "1000", 10**11, True, None, [1], "abc"])
def test_an_amount_that_is_not_whole_positive_fen_is_refused(officer, accounts, amount):
    response = officer.post(TXNS, _body(accounts, amount=amount), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["amount_fen"][0]["code"] == "invalid_amount"
    assert Account.objects.get(pk=accounts.service.pk).balance_fen == 0


def test_a_float_in_the_raw_json_is_refused(officer, accounts):
    raw = f'{{"from_account": {accounts.street.pk}, "to_account": {accounts.service.pk}, "amount_fen": 1000.0}}'
    response = officer.generic("POST", TXNS, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["amount_fen"][0]["code"] == "invalid_amount"


def test_same_account_and_insufficient_funds(officer, accounts):
    same = officer.post(TXNS, {**_body(accounts), "to_account": accounts.street.pk}, format="json")
    assert same.status_code == 400
    assert same.json()["errors"]["to_account"][0]["code"] == "same_account"
    short = officer.post(TXNS, _body(accounts, amount=100_01), format="json")
    assert short.status_code == 409
    assert short.json()["errors"]["amount_fen"][0]["code"] == "insufficient_funds"
    assert Account.objects.get(pk=accounts.street.pk).balance_fen == 100_00


def test_an_account_outside_scope_is_404(officer, accounts):
    for body in ({**_body(accounts), "to_account": accounts.other.pk}, {**_body(accounts), "from_account": 999999}):
        response = officer.post(TXNS, body, format="json")
        assert response.status_code == 404
        assert response.json()["errors"]
    assert Transaction.objects.filter(to_account=accounts.other).count() == 0


@pytest.mark.parametrize("field", ["memo", "idempotency_key"])
def test_text_fields_must_be_text(officer, accounts, field):
    response = officer.post(TXNS, _body(accounts, **{field: ["x"]}), format="json")
    assert response.status_code == 400 and response.json()["errors"][field][0]["code"] == "invalid"
    assert Account.objects.get(pk=accounts.service.pk).balance_fen == 0


def test_a_missing_account_id_is_400(officer, accounts):
    response = officer.post(TXNS, {"to_account": accounts.service.pk, "amount_fen": 100}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["from_account"][0]["code"] == "required"


def test_a_viewer_is_refused_before_anything_is_looked_up(personas, accounts):
    viewer = client_for(issue_staff_token(personas["viewer"], actor=COMMAND))
    for path, body in ((TXNS, _body(accounts)), (f"{TXNS}/999999/reverse", {})):
        response = viewer.post(path, body, format="json")
        assert response.status_code == 403
        assert response.json()["errors"]["detail"][0]["code"] == "read_only"
    assert Account.objects.get(pk=accounts.service.pk).balance_fen == 0


def test_reverse_once(officer, accounts):
    txn = officer.post(TXNS, _body(accounts, amount=30_00), format="json").json()
    reversed_ = officer.post(f"{TXNS}/{txn['id']}/reverse", {"memo": "录错了"}, format="json")
    assert reversed_.status_code == 201
    body = reversed_.json()
    assert (body["from_account"], body["to_account"], body["amount_fen"]) == (
        accounts.service.pk,
        accounts.street.pk,
        30_00,
    )
    assert Transaction.objects.get(pk=body["id"]).reverses_id == txn["id"]
    assert Account.objects.get(pk=accounts.street.pk).balance_fen == 100_00
    again = officer.post(f"{TXNS}/{txn['id']}/reverse", {}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"]["non_field_errors"][0]["code"] == "already_reversed"


def test_reversing_outside_scope_is_404(personas, accounts):
    other = client_for(issue_staff_token(personas["other_street"], actor=COMMAND))
    txn = Transaction.objects.get(to_account=accounts.street)
    assert other.post(f"{TXNS}/{txn.pk}/reverse", {}, format="json").status_code == 404
    assert other.post(f"{TXNS}/999999/reverse", {}, format="json").status_code == 404


def test_trial_balance_is_zero_for_the_city_and_the_scope_sum_below(officer, city, accounts):
    officer.post(TXNS, _body(accounts, amount=25_00), format="json")
    assert city.get("/api/v1/funds/trial-balance").json() == {"total_fen": 0, "accounts": Account.objects.count()}
    # The street's own accounts: its fund, its member-service fund and its "past balances" source.
    street = officer.get("/api/v1/funds/trial-balance").json()
    assert street == {"total_fen": 0, "accounts": 3}
    assert (
        sum(a.balance_fen for a in Account.objects.exclude(source="opening").filter(org=accounts.street.org)) == 100_00
    )
