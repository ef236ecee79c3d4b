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


def test_home_shows_the_funding_of_the_scope(client, world, personas):
    street = open_account(world.street_fed, "union_street", actor=COMMAND)
    record_opening_balance(street, posting(777), actor=COMMAND)
    other = open_account(world.other_street_fed, "union_street", actor=COMMAND)
    record_opening_balance(other, posting(555), actor=COMMAND)
    page = login(client, personas["street"]).get("/console/").content.decode()
    assert 'data-testid="fund-union_street">777<' in page
    assert "555" not in page
    assert 'data-testid="fund-opening"' not in page  # a counterpart, not money to spend
