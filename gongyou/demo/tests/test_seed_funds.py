from __future__ import annotations

import io

from django.core.management import call_command

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.demo.funds import seed_funds
from gongyou.funds.models import Account, DuesPayment, Transaction
from gongyou.funds.reports import reconcile, trial_balance
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join


def test_seed_funds_balances_and_a_second_run_changes_nothing(world):
    for seq in range(3):
        join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker())
    first = seed_funds(actor=COMMAND)
    assert first.transactions > 0 and first.payments > 0
    assert trial_balance(Account.objects.all()).total_fen == 0 and reconcile() == []
    assert Account.objects.filter(source="member_service", balance_fen__gt=0).exists()
    counts = (Transaction.objects.count(), DuesPayment.objects.count(), AuditLog.objects.count())
    call_command("seed_funds", stdout=io.StringIO())
    assert counts == (Transaction.objects.count(), DuesPayment.objects.count(), AuditLog.objects.count())


def test_the_demo_programme_funds_the_summer_campaign_and_payments_come_by_every_channel(world, make_campaign):
    from gongyou.funds.models import Programme

    campaign = make_campaign(kind="summer_cooling", title="夏日送清凉")
    for seq in range(6):
        join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker())
    seed_funds(actor=COMMAND)
    assert Programme.objects.get(name="夏日送清凉经费").campaign_id == campaign.pk
    assert set(DuesPayment.objects.values_list("channel", flat=True)) == {"staff", "import", "worker"}
