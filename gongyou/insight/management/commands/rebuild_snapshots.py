"""Rebuild the daily insight snapshots (insight.snapshots): by default the days since the last
run through yesterday; `--since`/`--through` rebuild a chosen range (e.g. after backdated data).
Idempotent: the days built are replaced, never added to. Run daily from cron, after midnight.
Progress goes to stderr; the last line on stdout is `built FROM…THROUGH rows=N seconds=S` or
`up to date`."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.insight.snapshots import rebuild


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期应为 YYYY-MM-DD：{value!r}") from exc


class Command(BaseCommand):
    help = "重建覆盖指标的每日快照（默认：上次之后到昨天），可重复运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="从这一天起重建（YYYY-MM-DD）")
        parser.add_argument("--through", help="重建到这一天（含，默认昨天）")

    def handle(self, *args: Any, since: str | None = None, through: str | None = None, **options: Any) -> None:
        first = _day(since) if since else None
        last = _day(through) if through else None
        if first and last and first > last:
            raise CommandError("--since 不能晚于 --through")
        quiet = options.get("verbosity", 1) == 0
        began = time.monotonic()
        run = rebuild(since=first, through=last, progress=None if quiet else lambda text: self.stderr.write(text))
        if run is None:
            self.stdout.write("up to date")
            return
        seconds = time.monotonic() - began
        self.stdout.write(f"built {run.built_from}…{run.built_through} rows={run.rows} seconds={seconds:.1f}")
