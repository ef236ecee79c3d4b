"""The periodic schedule (gongyou/core/schedule.py): every 30 s, start each registered entry's
due slot once and give lost jobs back to the queue. `run_worker` runs the same loop in a thread,
so this command is only needed where no worker runs it (`run_worker --no-schedule`), or with
`--once` from cron. `--list` prints what runs when."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from gongyou.core import schedule

INTERVAL = 30.0


def loop(stop: threading.Event, interval: float = INTERVAL) -> None:
    while not stop.is_set():
        try:
            schedule.tick()
        except Exception:  # a database hiccup must not end the schedule; the next tick retries
            schedule.logger.exception("Schedule tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = "运行定时任务表（每30秒检查一次到期的任务）；--once 只检查一次，--list 列出任务表"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit (for cron)")
        parser.add_argument("--list", action="store_true", help="print the schedule and exit")
        parser.add_argument("--interval", type=float, default=INTERVAL)

    def handle(self, *args: Any, once: bool, list: bool, interval: float, **options: Any) -> None:
        if list:
            for entry in sorted(schedule.discover().values(), key=lambda e: e.name):
                self.stdout.write(f"{entry.when:<16} {entry.name}")
            return
        if once:
            started = schedule.tick()
            self.stdout.write(f"started {len(started)}")
            return
        stop = threading.Event()
        try:
            loop(stop, interval)
        except KeyboardInterrupt:
            stop.set()
        time.sleep(0)
