"""`manage.py seed_funds`: demo accounts, opening balances, dues schedule, payments and spending
(idempotent; run after seed_demo, which creates the federations and members)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongyou.core.actors import COMMAND
from gongyou.demo.funds import seed_funds
from gongyou.funds.models import Account
from gongyou.funds.reports import trial_balance


class Command(BaseCommand):
    help = "Load demo funding: accounts, opening balances, dues schedule, payments, spending (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_funds(actor=COMMAND)
        total = trial_balance(Account.objects.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"经费示例数据已就绪：本次新建流水 {report.transactions}，会费缴纳 {report.payments}；"
                f"账户 {total.accounts}，试算平衡 {total.total_fen}"
            )
        )
