"""A worker reports a dues payment on the portal (record only, through the PaymentGateway
interface): it pays whole periods of the schedule, replays record once, and a lapsed member
who pays up is reinstated with the same member number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Region
from gongyou.funds.dues import set_dues_schedule
from gongyou.funds.models import Account, DuesPayment
from gongyou.members.models import Membership
from gongyou.members.services import lapse_membership


@pytest.fixture
def schedule(world):
    return set_dues_schedule(
        Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND
    )


def test_no_schedule_no_form(member_client, member):
    page = member_client.get(reverse("portal:dues")).content.decode()
    assert "不需要缴纳会费" in page and 'name="reference"' not in page
    assert member_client.post(reverse("portal:dues"), {"periods": "1", "reference": "X"}).status_code == 200
    assert not DuesPayment.objects.exists()


def test_a_worker_records_a_payment_once(member_client, member, schedule):
    me = member_client.get(reverse("portal:me")).content.decode()
    assert 'data-testid="pay-dues"' in me
    page = member_client.get(reverse("portal:dues")).content.decode()
    assert "3 期，共 3000 分" in page
    response = member_client.post(reverse("portal:dues"), {"periods": "3", "reference": "WX-20261201-1"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    payment = DuesPayment.objects.get()
    assert (payment.membership_id, payment.amount_fen, payment.channel, payment.reference) == (
        member.pk,
        3000,
        "worker",
        "manual:WX-20261201-1",
    )
    assert Account.objects.get(org=member.org, source="member_service").balance_fen > 0
    assert AuditLog.objects.filter(action="funds.record_dues_payment", actor_label__contains=member.member_no).exists()
    again = member_client.post(reverse("portal:dues"), {"periods": "3", "reference": "WX-20261201-1"}, follow=True)
    assert "已经记录过了" in again.content.decode() and DuesPayment.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{"periods": "1", "reference": ""}, {"periods": "5", "reference": "R"}, {"reference": "R"}]
)
def test_a_bad_form_records_nothing(member_client, member, schedule, body):
    response = member_client.post(reverse("portal:dues"), body)
    assert response.status_code == 400 and not DuesPayment.objects.exists()


def test_a_lapsed_member_pays_up_and_is_reinstated_with_the_same_number(member_client, member, schedule):
    lapse_membership(member, reason="会费逾期", actor=COMMAND)
    number = member.member_no
    assert 'data-testid="pay-dues"' in member_client.get(reverse("portal:me")).content.decode()
    months = 12 * (dt.date.today().year - member.joined_at.year) + dt.date.today().month - member.joined_at.month + 1
    periods = next(n for n in (1, 2, 3, 6, 12) if n >= months)
    response = member_client.post(reverse("portal:dues"), {"periods": str(periods), "reference": "R-1"}, follow=True)
    assert "会籍已恢复" in response.content.decode()
    back = Membership.objects.get(pk=member.pk)
    assert (back.status, back.member_no) == ("active", number)


def test_login_is_required(client, world):
    response = client.get(reverse("portal:dues"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
