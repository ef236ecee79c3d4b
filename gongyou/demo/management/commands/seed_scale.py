"""`manage.py seed_scale --members 1000000`: a city-sized dataset on PostgreSQL on top of the demo
world (gongyou/demo/scale.py says what it builds and why by COPY)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.demo.scale import ScaleError, seed_scale


class Command(BaseCommand):
    help = "Add synthetic members by COPY until the scale set holds --members (PostgreSQL; run seed_demo first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=1_000_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 0:
            raise CommandError("--members 不能为负数")
        started = time.monotonic()
        try:
            report = seed_scale(options["members"])
        except ScaleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"existing={report.existing} created={report.created} roster={report.roster}"
            f" seconds={time.monotonic() - started:.0f}"
        )
