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

    page.click("text=会费标准")
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
    page.click("nav >> text=会费导入")
    page.set_input_files("input[name=file]", {"name": "withholding.csv", "mimeType": "text/csv", "buffer": csv})
    page.click("button:has-text('导入')")
    result = page.get_by_test_id("import-result")
    result.wait_for()
    assert "新入账 1 笔" in result.inner_text() and "出错 1 行" in result.inner_text()
    error = page.get_by_test_id("import-error")
    assert error.count() == 1 and "3" in error.inner_text() and "金额" in error.inner_text()
    screenshot(page, "funds/02-import")
    assert list(DuesPayment.objects.values_list("membership_id", flat=True)) == [payer.pk]

    page.click("nav >> text=欠缴会费")
    rows = page.get_by_test_id("arrears-row")
    assert rows.count() == 1 and owing.member_no in rows.inner_text()
    screenshot(page, "funds/03-arrears")

    page.click("nav >> text=首页")
    service = Account.objects.get(org=payer.org, source="member_service").balance_fen
    assert service > 0
    assert page.get_by_test_id("fund-member_service").inner_text() == str(service)
    screenshot(page, "funds/04-home-funding")

    page.click("nav >> text=经费账户")
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
    page.click("nav >> text=经费报表")
    assert "合计 0 分" in page.get_by_test_id("trial-balance").inner_text()
    screenshot(page, "funds/07-reports")
