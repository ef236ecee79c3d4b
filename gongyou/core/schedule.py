"""The periodic schedule: cron-style work as background jobs, registered in one line beside the
task in an app's `tasks.py`:

    @schedule.daily("02:15")
    @jobs.background()
    def auto_accept_transfers() -> int: ...

    @schedule.every(minutes=5)
    @jobs.background()
    def process_outbox() -> int: ...

`tick()` (every worker runs it each 30 s, `manage.py run_schedule` runs it alone) enqueues each
entry's latest slot once: the slot's key (`schedule:<name>:<slot start>`) is unique among jobs, so
any number of workers on any number of machines start each slot exactly once, and a slot missed
while nothing ran (the servers were down at 02:15) runs at the next tick. Times are local
(settings.TIME_ZONE, Asia/Shanghai). `manage.py run_schedule --list` prints the table.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from gongyou.core import jobs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    task: Task[..., Any]
    interval: dt.timedelta | None = None
    at: dt.time | None = None

    @property
    def name(self) -> str:
        return self.task.module_path

    @property
    def when(self) -> str:
        if self.at is not None:
            return f"daily {self.at:%H:%M}"
        assert self.interval is not None
        return f"every {int(self.interval.total_seconds() // 60)} min"

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the latest slot at or before `now`."""
        local = timezone.localtime(now)
        if self.at is not None:
            today = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
            return today if today <= local else today - dt.timedelta(days=1)
        assert self.interval is not None
        step = int(self.interval.total_seconds())
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        since = int((local - midnight).total_seconds())
        return midnight + dt.timedelta(seconds=since - since % step)


ENTRIES: dict[str, Entry] = {}


def _register(entry: Entry) -> Task[..., Any]:
    ENTRIES[entry.name] = entry
    return entry.task


def daily(at: str) -> Callable[[Task[..., Any]], Task[..., Any]]:
    """Run once a day at local time "HH:MM"."""
    hour, minute = (int(part) for part in at.split(":"))
    return lambda job_task: _register(Entry(job_task, at=dt.time(hour, minute)))


def every(*, minutes: int) -> Callable[[Task[..., Any]], Task[..., Any]]:
    """Run every `minutes` minutes (slots counted from local midnight, so 5 means :00, :05, …)."""
    if minutes < 1 or (24 * 60) % minutes:
        raise ValueError("minutes must divide a day")
    return lambda job_task: _register(Entry(job_task, interval=dt.timedelta(minutes=minutes)))


def discover() -> dict[str, Entry]:
    """Import every installed app's `tasks` module, where the schedule is registered."""
    autodiscover_modules("tasks")
    return ENTRIES


def tick(now: dt.datetime | None = None) -> list[str]:
    """Start every entry's due slot that has not started yet, and recover lost jobs. Returns the
    names started."""
    now = now or timezone.now()
    started = []
    for entry in discover().values():
        slot = entry.slot(now)
        key = f"schedule:{entry.name}:{slot:%Y-%m-%dT%H:%M}"
        if jobs.BackgroundJob.objects.filter(key=key).exists():
            continue
        try:
            with transaction.atomic():
                jobs.enqueue(entry.task, key=key)
        except IntegrityError:
            continue  # another scheduler took this slot a moment ago
        started.append(entry.name)
        logger.info("Scheduled %s for %s", entry.name, slot.isoformat())
    jobs.recover(now)
    return started
