"""Fixed dues end to end: schedule (most specific wins), payments into dues and on to member
service, import with per-row errors and replay, arrears, reminders, lapse and reinstatement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog, Region
from gongyou.core.sms import ConsoleBackend
from gongyou.core.testing import worker_data
from gongyou.funds.dues import (
    arrears,
    lapse_unpaid_dues,
    owing_since,
    pay_dues_by_worker,
    record_dues_payment,
    schedule_for,
    send_dues_reminders,
    set_dues_schedule,
)
from gongyou.funds.dues_import import error_file, import_dues_payments
from gongyou.funds.errors import Refused
from gongyou.funds.models import Account, DuesPayment, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, MembershipEvent
from gongyou.members.services import join

TODAY = timezone.localdate()
MONTH_START = TODAY.replace(day=1)


def region(code):
    return Region.objects.get(code=code)


@pytest.fixture
def schedule(world):
    return set_dues_schedule(region("310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND)


@pytest.fixture
def member(world):
    return join(clean_worker(worker_data(1)), channel="online", actor=Actor.worker()).membership


def pay(member, amount, ref, **kw):
    return record_dues_payment(
        member, amount, reference=ref, paid_on=kw.pop("paid_on", TODAY), channel="staff", actor=COMMAND, **kw
    )


def balance(org, source):
    return Account.objects.get(org=org, source=source).balance_fen


def test_the_most_specific_schedule_wins(world, schedule):
    street, district, other_street = region("310104014"), region("310104"), region("310104004")
    set_dues_schedule(district, 800, "month", effective_from=dt.date(2021, 1, 1), actor=COMMAND)
    set_dues_schedule(street, 2400, "quarter", effective_from=dt.date(2022, 1, 1), actor=COMMAND)
    assert schedule_for(street, dt.date(2023, 5, 1)).amount_fen == 2400
    assert schedule_for(street, dt.date(2021, 6, 1)).amount_fen == 800
    assert schedule_for(other_street, dt.date(2023, 5, 1)).amount_fen == 800
    assert schedule_for(region("310101"), dt.date(2023, 5, 1)).amount_fen == 1000
    assert schedule_for(street, dt.date(2019, 5, 1)) is None
    assert AuditLog.objects.filter(action="funds.set_dues_schedule").count() == 3


def test_a_payment_posts_dues_income_and_moves_it_to_member_service(member, schedule):
    result = pay(member, 3000, "P-1")
    p = result.payment
    assert (p.covers_from, p.covers_until) == (
        MONTH_START,
        (MONTH_START + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1),
    )
    assert balance(member.org, "dues_payers") == -3000
    assert balance(member.org, "dues") == 0
    assert balance(member.org, "member_service") == 3000
    assert reconcile() == [] and trial_balance(Account.objects.all()).total_fen == 0
    nxt = pay(member, 1000, "P-2").payment
    assert nxt.covers_from == p.covers_until + dt.timedelta(days=1)


def test_the_share_rule_keeps_the_rest_in_dues(member, schedule, settings):
    settings.GONGYOU = {**settings.GONGYOU, "DUES_SERVICE_SHARE_PERCENT": 60}
    pay(member, 1000, "P-1")
    assert (balance(member.org, "dues"), balance(member.org, "member_service")) == (400, 600)


def test_the_same_reference_records_once(member, schedule):
    first = pay(member, 1000, "P-1")
    again = pay(member, 1000, "P-1")
    assert again.payment.pk == first.payment.pk and not again.created
    assert DuesPayment.objects.count() == 1 and Transaction.objects.count() == 2
    with pytest.raises(Refused) as exc:
        pay(member, 2000, "P-1")
    assert exc.value.code == "reference_reused"


@pytest.mark.parametrize(("amount", "code"), [(1500, "amount_not_multiple")])
def test_a_payment_pays_whole_periods(member, schedule, amount, code):
    with pytest.raises(Refused) as exc:
        pay(member, amount, "P-1")
    assert exc.value.code == code


def test_no_schedule_no_dues(member):
    with pytest.raises(Refused) as exc:
        pay(member, 1000, "P-1")
    assert exc.value.code == "no_schedule"


def test_a_worker_pays_through_the_gateway_interface(member, schedule):
    result = pay_dues_by_worker(member, 1000, reference="WX123", actor=Actor.worker(member.member_no))
    assert result.payment.channel == "worker" and result.payment.reference == "manual:WX123"


CSV = (
    "某平台会费代扣明细\n"
    "会员编号,金额（分）,缴费日期,流水号\n"
    "{no},2000,{today},W-1\n"
    "NOPE,1000,{today},W-2\n"
    "{no},10.5,{today},W-3\n"
    "{no},1000,,W-4\n"
)


def test_import_records_good_rows_reports_bad_ones_and_a_replay_changes_nothing(world, member, schedule):
    data = CSV.format(no=member.member_no, today=TODAY.isoformat()).encode()
    result = import_dues_payments(data, "withholding.csv", memberships=Membership.objects.all(), actor=COMMAND)
    assert result.created == 1 and result.replayed == 0
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (4, "member_no", "member_not_found"),
        (5, "amount_fen", "invalid_amount"),
        (6, "paid_on", "required"),
    ]
    snapshot = (Transaction.objects.count(), list(Account.objects.values_list("balance_fen", flat=True).order_by("pk")))
    again = import_dues_payments(data, "withholding.csv", memberships=Membership.objects.all(), actor=COMMAND)
    assert again.created == 0 and again.replayed == 1 and len(again.errors) == 3
    assert snapshot == (
        Transaction.objects.count(),
        list(Account.objects.values_list("balance_fen", flat=True).order_by("pk")),
    )
    table = read_table(error_file(result), "errors.xlsx")
    assert table[1][:3] == ["4", "member_no", "member_not_found"]


def test_import_looks_members_up_only_in_the_given_scope(world, member, schedule):
    data = CSV.format(no=member.member_no, today=TODAY.isoformat()).encode()
    result = import_dues_payments(data, "w.csv", memberships=Membership.objects.exclude(pk=member.pk), actor=COMMAND)
    assert result.created == 0 and result.errors[0].code == "member_not_found"


def test_arrears_lists_who_owes(world, schedule, member):
    paid = join(clean_worker(worker_data(2)), channel="online", actor=Actor.worker()).membership
    pay(paid, 1000, "P-paid")
    rows = list(arrears(Membership.objects.all(), on=TODAY))
    assert [m.pk for m in rows] == [member.pk]
    assert owing_since(rows[0]) == MONTH_START
    next_month = (MONTH_START + dt.timedelta(days=32)).replace(day=1)
    assert {m.pk for m in arrears(Membership.objects.all(), on=next_month)} == {member.pk, paid.pk}


def test_no_arrears_where_no_schedule_applies(world, member):
    set_dues_schedule(region("310101"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND)
    assert list(arrears(Membership.objects.all(), on=TODAY)) == []


def test_reminders_go_through_the_sms_backend_once_per_interval(world, schedule, member):
    assert send_dues_reminders(on=TODAY, backend=ConsoleBackend(), actor=COMMAND) == 1
    assert ConsoleBackend.recent()[0].purpose == "dues_reminder"
    assert send_dues_reminders(on=TODAY, backend=ConsoleBackend(), actor=COMMAND) == 0
    call_command("send_dues_reminders")


def test_reminders_can_be_held_to_a_scope(world, schedule, member):
    others = Membership.objects.exclude(org=member.org)
    assert send_dues_reminders(on=TODAY, backend=ConsoleBackend(), memberships=others, actor=COMMAND) == 0
    mine = Membership.objects.filter(org=member.org)
    assert send_dues_reminders(on=TODAY, backend=ConsoleBackend(), memberships=mine, actor=COMMAND) == 1


def test_lapse_after_grace_and_reinstatement_keep_number_and_history(world, schedule, member, settings):
    settings.GONGYOU = {**settings.GONGYOU, "DUES_GRACE_DAYS": 90}
    assert lapse_unpaid_dues(on=TODAY + dt.timedelta(days=60), actor=COMMAND) == []
    call_command("lapse_unpaid_dues", "--on", (TODAY + dt.timedelta(days=200)).isoformat())
    member.refresh_from_db()
    assert member.status == "lapsed"
    assert AuditLog.objects.filter(action="membership.lapsed", object_id=str(member.pk)).exists()
    number = member.member_no
    result = pay(member, 2000, "P-back")
    member.refresh_from_db()
    assert result.reinstated and member.status == "active" and member.member_no == number
    kinds = list(MembershipEvent.objects.filter(membership=member).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["joined", "lapsed", "reinstated"]


def test_dues_status_for_the_portal(world, schedule, member):
    from gongyou.funds.dues import dues_status

    owing = dues_status(member, on=TODAY)
    assert (owing.schedule.amount_fen, owing.paid_until, owing.owing_since) == (1000, None, MONTH_START)
    until = pay(member, 1000, "P-1").payment.covers_until
    paid = dues_status(member, on=TODAY)
    assert (paid.paid_until, paid.owing_since) == (until, None)
    assert dues_status(member, on=until + dt.timedelta(days=1)).owing_since == until + dt.timedelta(days=1)


def test_the_membership_keeps_the_last_day_paid_for_and_the_backfill_agrees(world, schedule, member):
    """Membership.dues_paid_until (what the arrears list walks) is the latest payment's
    covers_until after every payment; the migration's backfill computes the same."""
    assert Membership.objects.get(pk=member.pk).dues_paid_until is None
    first = pay(member, 1000, "K-1").payment
    assert Membership.objects.get(pk=member.pk).dues_paid_until == first.covers_until
    second = pay(member, 3000, "K-2").payment
    assert second.covers_until > first.covers_until
    assert Membership.objects.get(pk=member.pk).dues_paid_until == second.covers_until
    pay(member, 3000, "K-2")  # a replay changes nothing
    assert Membership.objects.get(pk=member.pk).dues_paid_until == second.covers_until

    import importlib

    from django.apps import apps

    backfill = importlib.import_module("gongyou.funds.migrations.0003_backfill_dues_paid_until").backfill
    Membership.objects.update(dues_paid_until=None)
    backfill(apps, None)
    assert Membership.objects.get(pk=member.pk).dues_paid_until == second.covers_until
    assert list(arrears(Membership.objects.filter(pk=member.pk), on=second.covers_until + dt.timedelta(days=1)))
