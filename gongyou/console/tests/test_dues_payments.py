"""A staff member records one dues payment by hand: the member by member number, the amount
defaulting to the schedule in force, idempotent by reference; a lapsed member who pays up is
reinstated with the same member number. The payments list is scoped and exportable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog, Region
from gongyou.funds.dues import set_dues_schedule
from gongyou.funds.models import Account, DuesPayment
from gongyou.members.models import Membership
from gongyou.members.services import lapse_membership

TODAY = timezone.localdate().isoformat()


@pytest.fixture
def schedule(world):
    return set_dues_schedule(
        Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND
    )


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def test_the_form_proposes_the_schedule_amount_and_records_once(street_client, world, schedule):
    member = join_worker(1)
    page = street_client.get(f"/console/dues/payments/new/?member_no={member.member_no}")
    assert page.status_code == 200 and page.context["amount"] == 1000
    assert 'name="amount_fen" min="1" step="1" value="1000"' in page.content.decode()
    body = {"member_no": member.member_no, "amount_fen": "2000", "paid_on": TODAY, "reference": "CASH-7"}
    response = street_client.post("/console/dues/payments/new/", body)
    assert response.status_code == 302 and member.member_no in response["Location"]
    payment = DuesPayment.objects.get()
    assert (payment.amount_fen, payment.channel, payment.reference) == (2000, "staff", "CASH-7")
    assert (
        Account.objects.get(org=member.org, source="dues").balance_fen
        + Account.objects.get(org=member.org, source="member_service").balance_fen
        == 2000
    )
    again = street_client.post("/console/dues/payments/new/", body, follow=True).content.decode()
    assert "已登记过，没有重复入账" in again and DuesPayment.objects.count() == 1
    assert AuditLog.objects.filter(action="funds.record_dues_payment").count() == 1


@pytest.mark.parametrize(
    ("amount", "reference", "text"),
    [
        ("1500", "R-1", "整数倍"),
        ("10.5", "R-1", "金额必须是大于零的整数"),
        ("1000", "", "请填写缴费流水号"),
    ],
)
def test_a_refused_payment_says_why(street_client, world, schedule, amount, reference, text):
    member = join_worker(1)
    body = {"member_no": member.member_no, "amount_fen": amount, "reference": reference}
    response = street_client.post("/console/dues/payments/new/", body)
    assert response.status_code == 400 and text in response.content.decode()
    assert not DuesPayment.objects.exists()


def test_a_member_out_of_scope_reads_as_not_found(street_client, world, schedule):
    theirs = join_worker(2, street_code=world.other_street.code)
    page = street_client.get(f"/console/dues/payments/new/?member_no={theirs.member_no}")
    assert page.status_code == 400 and "找不到这个会员编号" in page.content.decode()
    body = {"member_no": theirs.member_no, "amount_fen": "1000", "reference": "R-1"}
    assert street_client.post("/console/dues/payments/new/", body).status_code == 400
    assert not DuesPayment.objects.exists()


def test_a_lapsed_member_paying_up_is_reinstated_with_the_same_number(street_client, world, schedule):
    member = join_worker(1)
    lapse_membership(member, reason="会费逾期", actor=COMMAND)
    page = street_client.get(f"/console/dues/payments/new/?member_no={member.member_no}").content.decode()
    assert "缴清后自动恢复" in page
    body = {"member_no": member.member_no, "amount_fen": "1000", "paid_on": TODAY, "reference": "R-9"}
    response = street_client.post("/console/dues/payments/new/", body, follow=True)
    assert "会籍已恢复" in response.content.decode()
    back = Membership.objects.get(pk=member.pk)
    assert (back.status, back.member_no) == ("active", member.member_no)


def test_the_list_is_scoped_and_exports(street_client, world, schedule):
    from gongyou.funds.dues import record_dues_payment

    mine, theirs = join_worker(1), join_worker(2, street_code=world.other_street.code)
    for m, ref in ((mine, "A-1"), (theirs, "B-1")):
        record_dues_payment(m, 1000, reference=ref, paid_on=timezone.localdate(), channel="staff", actor=COMMAND)
    page = street_client.get("/console/dues/payments/").content.decode()
    assert "A-1" in page and "B-1" not in page
    table = read_table(street_client.get("/console/dues/payments/export/").content, "p.xlsx")
    assert [(r[0], r[1], r[4]) for r in table[1:]] == [("A-1", mine.member_no, "1000")]


def test_the_arrears_list_links_to_the_form(street_client, world, schedule):
    member = join_worker(1)
    page = street_client.get("/console/dues/arrears/").content.decode()
    assert f"/console/dues/payments/new/?member_no={member.member_no}" in page
