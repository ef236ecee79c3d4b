"""Dues in a real browser (issue 11): a street officer sets the dues schedule, imports a payment
file with a bad row, sees the arrears list and the member-service fund grow. Pages are saved
under artifacts/screenshots/funds/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from gongyou.core.actors import Actor
from gongyou.core.testing import worker_data
from gongyou.funds.models import Account, DuesPayment
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join

from .conftest import menu, portal_login

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)


def join_worker(seq):
    return join(clean_worker(worker_data(seq)), channel="qr", actor=Actor.worker()).membership


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def test_an_officer_sets_dues_imports_payments_and_sees_arrears_and_the_service_fund(
    live_server, transactional_db, world, personas, desktop_page, screenshot
):
    payer, owing = join_worker(1), join_worker(2)
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    assert page.get_by_test_id("fund-member_service").count() == 0  # no dues yet

    menu(page, "会费标准")
    page.fill("input[name=amount_fen]", "1000")
    page.select_option("select[name=period]", "month")
    page.fill("input[name=effective_from]", "2020-01-01")
    page.click("text=保存会费标准")
    page.wait_for_selector("text=会费标准已保存")
    assert "每月 1000 分" in page.get_by_test_id("current-schedule").inner_text()
    screenshot(page, "funds/01-schedule")

    today = timezone.localdate().isoformat()
    csv = (
        "会员编号,金额（分）,缴费日期,流水号\n"
        f"{payer.member_no},3000,{today},W-1\n"
        f"{owing.member_no},10.5,{today},W-2\n"
    ).encode()
    menu(page, "会费导入")
    page.set_input_files("input[name=file]", {"name": "withholding.csv", "mimeType": "text/csv", "buffer": csv})
    page.click("button:has-text('导入')")
    result = page.get_by_test_id("import-result")
    result.wait_for()
    assert "新入账 1 笔" in result.inner_text() and "出错 1 行" in result.inner_text()
    error = page.get_by_test_id("import-error")
    assert error.count() == 1 and "3" in error.inner_text() and "金额" in error.inner_text()
    screenshot(page, "funds/02-import")
    assert list(DuesPayment.objects.values_list("membership_id", flat=True)) == [payer.pk]

    menu(page, "欠缴会费")
    rows = page.get_by_test_id("arrears-row")
    assert rows.count() == 1 and owing.member_no in rows.inner_text()
    screenshot(page, "funds/03-arrears")

    menu(page, "首页")
    service = Account.objects.get(org=payer.org, source="member_service").balance_fen
    assert service > 0
    assert page.get_by_test_id("fund-member_service").inner_text() == str(service)
    screenshot(page, "funds/04-home-funding")

    menu(page, "经费账户")
    page.click("text=会员服务经费")
    assert page.get_by_test_id("account-balance").inner_text() == str(service)
    screenshot(page, "funds/05-service-fund")

    # Moving some of it on: a transfer, then the reports with the trial balance.
    page.click("text=转账")
    page.select_option("select[name=from_account]", str(Account.objects.get(org=payer.org, source="member_service").pk))
    page.select_option("select[name=to_account]", str(Account.objects.get(org=payer.org, source="dues").pk))
    page.fill("input[name=amount_fen]", "100")
    page.fill("input[name=memo]", "演示转账")
    screenshot(page, "funds/06-transfer")
    page.click("button:has-text('记账')")
    page.wait_for_selector("text=转账已记账")
    assert page.get_by_test_id("account-balance").inner_text() == str(service - 100)
    menu(page, "经费报表")
    assert "合计 0 分" in page.get_by_test_id("trial-balance").inner_text()
    screenshot(page, "funds/07-reports")


def test_an_officer_runs_a_programme_budget_and_records_a_dues_payment_by_hand(
    live_server, transactional_db, world, personas, desktop_page, screenshot
):
    """Programmes and budgets in the console: create a programme, budget it from the street's
    fund, record spending, see budget vs actual; then one dues payment recorded by hand."""
    import datetime as dt

    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.funds.dues import set_dues_schedule
    from gongyou.funds.inputs import clean_posting
    from gongyou.funds.models import Programme, Transaction
    from gongyou.funds.services import open_account, record_opening_balance

    fund = open_account(world.street_fed, "union_street", actor=COMMAND)
    record_opening_balance(fund, clean_posting({"amount_fen": 50_000, "memo": "往年结余"}), actor=COMMAND)
    set_dues_schedule(
        Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND
    )
    member = join_worker(3)
    from gongyou.benefits.inputs import clean_campaign
    from gongyou.benefits.services import create_campaign

    now = timezone.now()
    campaign = create_campaign(
        clean_campaign(
            {
                "kind": "summer_cooling",
                "title": "徐家汇夏日送清凉",
                "starts_at": now.isoformat(),
                "ends_at": (now + dt.timedelta(days=60)).isoformat(),
                "quota": 200,
                "audience": {},
            }
        ),
        org=world.street_fed,
        actor=COMMAND,
    )
    page, base = desktop_page, live_server.url
    login(page, base, "street")

    menu(page, "项目预算执行")
    page.click("text=新建经费项目")
    page.fill("input[name=name]", "夏日送清凉·徐家汇")
    page.select_option("select[name=campaign]", str(campaign.pk))
    screenshot(page, "funds/10-programme-new")
    page.click("button:has-text('创建项目')")
    page.wait_for_selector("text=已创建经费项目")
    programme = Programme.objects.get(name="夏日送清凉·徐家汇")
    assert programme.campaign_id == campaign.pk

    page.select_option("select[name=account]", str(fund.pk))
    page.fill("input[name=amount_fen]", "30000")
    page.click("button:has-text('保存预算')")
    page.wait_for_selector("text=预算已保存")
    assert page.get_by_test_id("total-budget").inner_text() == "30000"

    spend_form = page.locator("form[action$='/spend/']")
    spend_form.locator("input[name=amount_fen]").fill("12000")
    spend_form.locator("input[name=memo]").fill("绿豆汤、藿香正气水")
    spend_form.locator("button").click()
    page.wait_for_selector("text=支出已记账")
    assert page.get_by_test_id("total-actual").inner_text() == "12000"
    assert page.get_by_test_id("total-remaining").inner_text() == "18000"
    assert page.get_by_test_id("spending").count() == 1 and "绿豆汤" in page.get_by_test_id("spending").inner_text()
    screenshot(page, "funds/11-programme-budget-vs-actual")

    # Over the budget: refused in words, nothing posted.
    spend_form = page.locator("form[action$='/spend/']")
    spend_form.locator("input[name=amount_fen]").fill("20000")
    spend_form.locator("button").click()
    assert "超出项目预算" in page.get_by_test_id("spend-error").inner_text()
    assert Transaction.objects.filter(programme=programme, kind="spending").count() == 1

    menu(page, "项目预算执行")
    row = page.get_by_test_id("programme-row")
    assert row.count() == 1 and "30000" in row.inner_text() and "18000" in row.inner_text()
    screenshot(page, "funds/12-programmes")

    # One dues payment by hand: look the member up, the schedule's amount is proposed.
    menu(page, "会费缴纳")
    page.click("text=登记缴费")
    page.fill("input[name=member_no]", member.member_no)
    page.click("button:has-text('查询会员')")
    assert page.input_value("input[name=amount_fen]") == "1000"
    page.fill("input[name=reference]", "CASH-2026-001")
    screenshot(page, "funds/13-dues-payment-form")
    page.click("form[method=post] >> button:has-text('登记缴费')")
    page.wait_for_selector("text=已登记")
    assert DuesPayment.objects.get().reference == "CASH-2026-001"
    assert page.get_by_test_id("payment-paid-until").inner_text() != "尚未缴纳"
    screenshot(page, "funds/14-dues-payment-recorded")
    page.click("text=缴纳记录")
    assert page.get_by_test_id("payment-row").count() == 1
    screenshot(page, "funds/15-dues-payments")


def test_a_lapsed_worker_records_dues_on_the_phone_and_is_reinstated(
    live_server, transactional_db, world, phone_page, screenshot
):
    """The worker's own path (record only, no gateway yet): SMS login, 登记缴费 on 我的会籍,
    and a lapsed membership back with the same member number."""
    import datetime as dt

    from django.core.cache import cache

    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.core.testing import make_phone
    from gongyou.funds.dues import set_dues_schedule
    from gongyou.members.models import Membership
    from gongyou.members.services import lapse_membership

    cache.clear()
    set_dues_schedule(
        Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND
    )
    member = join_worker(78)
    lapse_membership(member, reason="会费逾期未缴", actor=COMMAND)
    page, phone = phone_page, make_phone(78)
    portal_login(page, live_server.url, phone)

    page.get_by_test_id("pay-dues").click()
    page.wait_for_url("**/me/dues/")
    page.fill("#id_reference", "4200001234202612010001")
    screenshot(page, "funds/20-portal-pay-dues")
    page.click("button:has-text('登记缴费')")
    page.wait_for_url("**/me/")
    assert "会籍已恢复" in page.inner_text("main")
    screenshot(page, "funds/21-portal-reinstated")
    back = Membership.objects.get(pk=member.pk)
    assert (back.status, back.member_no) == ("active", member.member_no)
    cache.clear()
