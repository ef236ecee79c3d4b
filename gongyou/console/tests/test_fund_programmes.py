"""Console programme pages: an officer creates a programme (optionally funding a campaign), gives
it budget lines out of accounts in scope, records spending against them and sees budget vs
actual — each write through funds.services, audited, held to scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongyou.core.actors import COMMAND
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog
from gongyou.funds.models import Account, Budget, Programme, Transaction
from gongyou.funds.services import create_programme, open_account, record_opening_balance, set_budget, spend
from gongyou.funds.tests.conftest import posting


@pytest.fixture
def fund(world):
    account = open_account(world.street_fed, "union_street", actor=COMMAND)
    record_opening_balance(account, posting(10_000), actor=COMMAND)
    return account


def login(client, user):
    client.force_login(user)
    return client


def test_an_officer_creates_budgets_and_spends_and_sees_budget_vs_actual(client, world, personas, fund, make_campaign):
    campaign = make_campaign(org=world.street_fed, title="街道送清凉")
    login(client, personas["street"])
    assert "街道送清凉" in client.get("/console/funds/programmes/new/").content.decode()
    response = client.post("/console/funds/programmes/new/", {"name": "夏日送清凉", "campaign": campaign.pk})
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/funds/programmes/{programme.pk}/"
    assert (programme.org, programme.campaign_id) == (world.street_fed, campaign.pk)

    assert (
        client.post(
            f"/console/funds/programmes/{programme.pk}/budget/", {"account": fund.pk, "amount_fen": "6000"}
        ).status_code
        == 302
    )
    assert Budget.objects.get().amount_fen == 6000
    page = client.get(f"/console/funds/programmes/{programme.pk}/")
    key = page.context["key"]
    body = {"account": fund.pk, "amount_fen": "2500", "memo": "矿泉水", "date": "2026-07-01", "key": key}
    assert client.post(f"/console/funds/programmes/{programme.pk}/spend/", body).status_code == 302
    assert client.post(f"/console/funds/programmes/{programme.pk}/spend/", body).status_code == 302  # double submit
    spent = Transaction.objects.get(kind="spending")
    assert (spent.amount_fen, spent.memo, spent.value_date.isoformat(), spent.programme_id) == (
        2500,
        "矿泉水",
        "2026-07-01",
        programme.pk,
    )
    assert Account.objects.get(pk=fund.pk).balance_fen == 7500

    page = client.get(f"/console/funds/programmes/{programme.pk}/").content.decode()
    assert 'data-testid="total-budget">6000<' in page and 'data-testid="total-actual">2500<' in page
    assert 'data-testid="total-remaining">3500<' in page and "街道送清凉" in page and "矿泉水" in page
    listing = client.get("/console/funds/programmes/").content.decode()
    assert "夏日送清凉" in listing and ">6000<" in listing and ">3500<" in listing
    actions = set(
        AuditLog.objects.filter(
            action__in=["funds.create_programme", "funds.set_budget", "funds.spending"]
        ).values_list("action", flat=True)
    )
    assert actions == {"funds.create_programme", "funds.set_budget", "funds.spending"}
    table = read_table(client.get(f"/console/funds/programmes/{programme.pk}/export/").content, "s.xlsx")
    assert [(r[5], r[6]) for r in table[1:]] == [("2500", "矿泉水")]


def test_a_second_budget_line_from_another_account_adds_up(client, world, personas, fund):
    service = open_account(world.street_fed, "member_service", actor=COMMAND)
    programme = create_programme(world.street_fed, "冬送温暖", actor=COMMAND)
    login(client, personas["street"])
    client.post(f"/console/funds/programmes/{programme.pk}/budget/", {"account": fund.pk, "amount_fen": "3000"})
    client.post(f"/console/funds/programmes/{programme.pk}/budget/", {"account": service.pk, "amount_fen": "2000"})
    client.post(
        f"/console/funds/programmes/{programme.pk}/budget/", {"account": fund.pk, "amount_fen": "4000"}
    )  # changed
    assert sorted(Budget.objects.values_list("amount_fen", flat=True)) == [2000, 4000]
    assert (
        'data-testid="total-budget">6000<' in client.get(f"/console/funds/programmes/{programme.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    ("amount", "text"),
    [("7000", "超出项目预算"), ("12.5", "金额必须是大于零的整数"), ("0", "金额必须是大于零的整数")],
)
def test_refused_spending_says_why_and_moves_nothing(client, world, personas, fund, amount, text):
    programme = create_programme(world.street_fed, "夏日送清凉", actor=COMMAND)
    set_budget(programme, fund, 6000, actor=COMMAND)
    login(client, personas["street"])
    body = {"account": fund.pk, "amount_fen": amount, "key": "k1"}
    response = client.post(f"/console/funds/programmes/{programme.pk}/spend/", body)
    assert response.status_code == 400 and text in response.content.decode()
    assert not Transaction.objects.filter(kind="spending").exists()


def test_spending_needs_a_budget_line_and_budgets_need_a_real_fund(client, world, personas, fund):
    programme = create_programme(world.street_fed, "夏日送清凉", actor=COMMAND)
    service = open_account(world.street_fed, "member_service", actor=COMMAND)
    login(client, personas["street"])
    response = client.post(
        f"/console/funds/programmes/{programme.pk}/spend/", {"account": service.pk, "amount_fen": "1"}
    )
    assert response.status_code == 400 and "没有从这个账户安排预算" in response.content.decode()
    opening = Account.objects.get(org=world.street_fed, source="opening")
    response = client.post(
        f"/console/funds/programmes/{programme.pk}/budget/", {"account": opening.pk, "amount_fen": "1"}
    )
    assert response.status_code == 400 and "不能安排项目预算" in response.content.decode()
    assert not Budget.objects.exists()


def test_a_budget_below_what_is_spent_is_refused(client, world, personas, fund):
    programme = create_programme(world.street_fed, "夏日送清凉", actor=COMMAND)
    set_budget(programme, fund, 6000, actor=COMMAND)
    spend(programme, fund, posting(3000), actor=COMMAND)
    login(client, personas["street"])
    response = client.post(
        f"/console/funds/programmes/{programme.pk}/budget/", {"account": fund.pk, "amount_fen": "2000"}
    )
    assert response.status_code == 400 and "不能低于已支出金额" in response.content.decode()
    assert Budget.objects.get().amount_fen == 6000


def test_accounts_and_campaigns_out_of_scope_cannot_be_used(client, world, personas, fund, make_campaign):
    theirs = open_account(world.other_street_fed, "union_street", actor=COMMAND)
    city_campaign = make_campaign(org=world.city, title="市级活动")
    programme = create_programme(world.street_fed, "夏日送清凉", actor=COMMAND)
    login(client, personas["street"])
    assert "市级活动" not in client.get("/console/funds/programmes/new/").content.decode()
    response = client.post("/console/funds/programmes/new/", {"name": "x", "campaign": city_campaign.pk})
    assert response.status_code == 400 and Programme.objects.count() == 1
    response = client.post(
        f"/console/funds/programmes/{programme.pk}/budget/", {"account": theirs.pk, "amount_fen": "1"}
    )
    assert response.status_code == 404 and not Budget.objects.exists()


def test_the_list_shows_only_the_scope_in_a_fixed_number_of_queries(client, world, personas, fund):
    theirs = create_programme(world.other_street_fed, "别的街道项目", actor=COMMAND)
    for i in range(5):
        p = create_programme(world.street_fed, f"项目{i}", actor=COMMAND)
        set_budget(p, fund, 100 + i, actor=COMMAND)
    login(client, personas["street"])
    client.get("/console/funds/programmes/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        page = client.get("/console/funds/programmes/").content.decode()
    assert "项目4" in page and theirs.name not in page
    p = create_programme(world.street_fed, "再来一个", actor=COMMAND)
    set_budget(p, fund, 1, actor=COMMAND)
    with CaptureQueriesContext(connection) as more:
        client.get("/console/funds/programmes/")
    assert len(more) == len(few)
    assert client.get(f"/console/funds/programmes/{theirs.pk}/").status_code == 404
