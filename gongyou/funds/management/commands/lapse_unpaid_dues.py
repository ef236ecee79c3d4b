"""Cron, daily: lapse memberships whose fixed dues are unpaid past the grace period
(GONGYOU_DUES_GRACE_DAYS). Each lapse is a membership event with an audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.funds.dues import lapse_unpaid_dues


class Command(BaseCommand):
    help = "Lapse memberships with dues unpaid past the grace period"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = lapse_unpaid_dues(on=options["on"], actor=COMMAND)
        self.stdout.write(f"lapsed {len(lapsed)}")
