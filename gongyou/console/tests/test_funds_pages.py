"""Console funds pages: accounts, dues schedule, dues import, arrears and the home funding panel,
each held to the staff member's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog, Region
from gongyou.funds.dues import set_dues_schedule
from gongyou.funds.models import Account, DuesPayment, DuesReminder, DuesSchedule
from gongyou.funds.services import open_account, record_opening_balance
from gongyou.funds.tests.conftest import posting

TODAY = timezone.localdate()


@pytest.fixture
def schedule(world):
    return set_dues_schedule(
        Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND
    )


def login(client, user):
    client.force_login(user)
    return client


def test_accounts_page_lists_the_scope_with_the_trial_balance_and_exports(client, world, personas):
    street = open_account(world.street_fed, "union_street", actor=COMMAND)
    record_opening_balance(street, posting(12345), actor=COMMAND)
    open_account(world.other_street_fed, "union_street", actor=COMMAND)
    page = login(client, personas["street"]).get("/console/funds/").content.decode()
    assert "12345" in page and world.street_fed.name in page and world.other_street_fed.name not in page
    assert "试算平衡" in page
    table = read_table(client.get("/console/funds/export/").content, "a.xlsx")
    assert [r[1] for r in table[1:]] == [world.street_fed.name, world.street_fed.name]  # its fund and past balances
    assert "12345" in [r[3] for r in table[1:]]


def test_the_city_sets_the_schedule_and_a_street_overrides_it(client, world, personas):
    login(client, personas["city"])
    response = client.post(
        "/console/dues/schedule/", {"amount_fen": "1000", "period": "month", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 302
    city = DuesSchedule.objects.get()
    assert (city.region.code, city.amount_fen, city.period) == ("310000", 1000, "month")
    login(client, personas["street"])
    client.post("/console/dues/schedule/", {"amount_fen": "500", "period": "quarter", "effective_from": "2026-01-01"})
    street = DuesSchedule.objects.exclude(pk=city.pk).get()
    assert street.region_id == world.street_fed.region_id and street.amount_fen == 500
    assert AuditLog.objects.filter(action="funds.set_dues_schedule").count() == 2
    # The city sees the street's override below its own.
    page = login(client, personas["city"]).get("/console/dues/schedule/").content.decode()
    assert world.street_fed.region.name in page


@pytest.mark.parametrize("amount", ["0", "12.5", "", "-3"])
def test_a_schedule_amount_that_is_not_whole_fen_is_refused(client, world, personas, amount):
    login(client, personas["city"])
    body = {"amount_fen": amount, "period": "month", "effective_from": "2026-01-01"}
    response = client.post("/console/dues/schedule/", body)
    assert response.status_code == 400 and "金额必须是大于零的整数" in response.content.decode()
    assert not DuesSchedule.objects.exists()


def test_import_records_good_rows_shows_bad_ones_and_gives_an_error_file(client, world, personas, schedule):
    member = join_worker(1)
    other = join_worker(2, street_code=world.other_street.code)
    data = (
        "会员编号,金额（分）,缴费日期,流水号\n"
        f"{member.member_no},3000,{TODAY.isoformat()},W-1\n"
        f"{other.member_no},1000,{TODAY.isoformat()},W-2\n"  # out of the street's scope: not found
        f"{member.member_no},10.5,{TODAY.isoformat()},W-3\n"
    ).encode()
    login(client, personas["street"])
    response = client.post("/console/dues/import/", {"file": SimpleUploadedFile("w.csv", data)})
    page = response.content.decode()
    assert response.status_code == 200 and "新入账 1 笔" in page and "出错 2 行" in page
    assert list(DuesPayment.objects.values_list("reference", flat=True)) == ["W-1"]
    errors = read_table(client.get("/console/dues/import/errors/").content, "e.xlsx")
    assert [(r[0], r[2]) for r in errors[1:]] == [("3", "member_not_found"), ("4", "invalid_amount")]
    service = Account.objects.get(org=member.org, source="member_service")
    assert service.balance_fen > 0
    again = client.post("/console/dues/import/", {"file": SimpleUploadedFile("w.csv", data)}).content.decode()
    assert "新入账 0 笔，已导入过 1 笔" in again and DuesPayment.objects.count() == 1


def test_arrears_lists_the_scope_exports_and_reminds_only_it(client, world, personas, schedule):
    mine = join_worker(1)
    theirs = join_worker(2, street_code=world.other_street.code)
    login(client, personas["street"])
    page = client.get("/console/dues/arrears/").content.decode()
    assert mine.member_no in page and theirs.member_no not in page
    table = read_table(client.get("/console/dues/arrears/export/").content, "a.xlsx")
    assert [r[0] for r in table[1:]] == [mine.member_no]
    assert client.post("/console/dues/arrears/remind/").status_code == 302
    assert list(DuesReminder.objects.values_list("membership_id", flat=True)) == [mine.pk]


def test_a_long_arrears_list_is_exported_by_a_background_job(client, world, personas, schedule, settings):
    from gongyou.core.models import BackgroundJob

    mine = join_worker(1)
    settings.GONGYOU_EXPORT_INLINE_ROWS = 0
    login(client, personas["street"])
    response = client.get("/console/dues/arrears/export/")
    job = BackgroundJob.objects.get(task_path="gongyou.console.tasks.build_export")
    assert response.status_code == 302 and response["Location"] == f"/console/jobs/{job.pk}/"
    table = read_table(client.get(f"/console/jobs/{job.pk}/download/").content, "a.xlsx")
    assert [r[0] for r in table[1:]] == [mine.member_no]


def test_home_shows_the_funding_of_the_scope(client, world, personas):
    street = open_account(world.street_fed, "union_street", actor=COMMAND)
    record_opening_balance(street, posting(777), actor=COMMAND)
    other = open_account(world.other_street_fed, "union_street", actor=COMMAND)
    record_opening_balance(other, posting(555), actor=COMMAND)
    page = login(client, personas["street"]).get("/console/").content.decode()
    assert 'data-testid="fund-union_street">777<' in page
    assert "555" not in page
    assert 'data-testid="fund-opening"' not in page  # a counterpart, not money to spend


def _funds(world):
    fund = open_account(world.street_fed, "union_street", actor=COMMAND)
    service = open_account(world.street_fed, "member_service", actor=COMMAND)
    record_opening_balance(fund, posting(1000), actor=COMMAND)
    return fund, service


def test_a_transfer_posts_once_per_form_and_shows_in_the_postings(client, world, personas):
    fund, service = _funds(world)
    login(client, personas["street"])
    key = client.get("/console/funds/transfer/").context["key"]
    body = {"from_account": fund.pk, "to_account": service.pk, "amount_fen": "300", "memo": "服务经费", "key": key}
    assert client.post("/console/funds/transfer/", body).status_code == 302
    assert client.post("/console/funds/transfer/", body).status_code == 302  # a double submit
    assert Account.objects.get(pk=service.pk).balance_fen == 300
    page = client.get(f"/console/funds/{service.pk}/").content.decode()
    assert "服务经费" in page and 'data-testid="account-balance">300<' in page
    table = read_table(client.get(f"/console/funds/{service.pk}/export/").content, "p.xlsx")
    assert [r[5] for r in table[1:]] == ["300"]


@pytest.mark.parametrize(("amount", "code_text"), [("1000.5", "金额必须是大于零的整数"), ("5000", "账户余额不足")])
def test_a_refused_transfer_says_why_and_moves_nothing(client, world, personas, amount, code_text):
    fund, service = _funds(world)
    login(client, personas["street"])
    body = {"from_account": fund.pk, "to_account": service.pk, "amount_fen": amount, "key": "k"}
    response = client.post("/console/funds/transfer/", body)
    assert response.status_code == 400 and code_text in response.content.decode()
    assert Account.objects.get(pk=service.pk).balance_fen == 0


def test_a_posting_is_reversed_once_after_confirming(client, world, personas):
    from gongyou.funds.services import post_transaction

    fund, service = _funds(world)
    txn = post_transaction(fund, service, posting(400), actor=COMMAND).transaction
    login(client, personas["street"])
    assert "确认冲正" in client.get(f"/console/funds/postings/{txn.pk}/reverse/").content.decode()
    assert Account.objects.get(pk=service.pk).balance_fen == 400  # a GET only asks
    assert client.post(f"/console/funds/postings/{txn.pk}/reverse/", {"memo": "录错"}).status_code == 302
    assert Account.objects.get(pk=service.pk).balance_fen == 0
    again = client.post(f"/console/funds/postings/{txn.pk}/reverse/", {})
    assert again.status_code == 409 and "已经冲正过" in again.content.decode()


def test_programmes_and_reports_show_budget_vs_actual_and_the_trial_balance(client, world, personas):
    from gongyou.funds.services import create_programme, set_budget, spend

    fund, _service = _funds(world)
    programme = create_programme(world.street_fed, "夏送清凉", actor=COMMAND)
    set_budget(programme, fund, 600, actor=COMMAND)
    spend(programme, fund, posting(250), actor=COMMAND)
    login(client, personas["street"])
    page = client.get("/console/funds/programmes/").content.decode()
    assert "夏送清凉" in page and ">600<" in page and ">250<" in page and ">350<" in page
    table = read_table(client.get("/console/funds/programmes/export/").content, "p.xlsx")
    assert table[1][0] == "夏送清凉" and table[1][3:] == ["600", "250", "350"]
    report = client.get("/console/funds/reports/").content.decode()
    assert "合计 0 分" in report and "夏送清凉" in report
    city = login(client, personas["city"]).get("/console/funds/reports/").content.decode()
    assert "合计 0 分" in city
    assert client.get("/console/funds/reports/export/").status_code == 200
