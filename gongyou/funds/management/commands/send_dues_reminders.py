"""Cron: text members in arrears through the SMS backend (at most once per
GONGYOU_DUES_REMINDER_INTERVAL_DAYS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.funds.dues import send_dues_reminders


class Command(BaseCommand):
    help = "Send dues reminders to members in arrears"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_dues_reminders(on=options["on"], actor=COMMAND)
        self.stdout.write(f"sent {sent}")
