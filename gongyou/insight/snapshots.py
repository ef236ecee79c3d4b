"""Daily snapshots (insight.models.Snapshot, ServedMonth): rebuilt incrementally by
`manage.py rebuild_snapshots`, read by the dashboards with today's changes added on top.

A run covers the days after the last run's `built_through` up to yesterday (or a chosen range):
it deletes those days' rows and writes them again in one transaction, so running it twice, or
over a range already built, changes nothing. Stocks with a recorded past are rebuilt exactly for
every day; stocks without one (rosters, at-risk…) are recorded on the run's last day only, and so
are the rows of the industry and enterprise views (insight.breakdown_rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone

from gongyou.insight.breakdown_rows import enterprise_rows, industry_rows, replace_breakdowns
from gongyou.insight.indicators import INDICATORS, Daily, Key
from gongyou.insight.models import ServedMonth, Snapshot, SnapshotRun
from gongyou.insight.served import local_midnight, month_start, next_month, served_in_month

HISTORY_MONTHS = 13
BATCH = 5000

Progress = Callable[[str], None]


def last_run() -> SnapshotRun | None:
    return SnapshotRun.objects.order_by("-built_through", "-id").first()


def default_start(through: dt.date) -> dt.date:
    """First day of the month 12 months before `through`'s: 13 months of history."""
    month = month_start(through)
    for _ in range(HISTORY_MONTHS - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _stock_rows(code: str, daily: Daily, first: dt.date, last: dt.date) -> Iterator[Snapshot]:
    """Running totals: everything before `first` summed, then each day's changes applied."""
    level: Counter[Key] = Counter()
    for day, changes in daily.items():
        if day < first:
            level.update(changes)
    for day in _days(first, last):
        level.update(daily.get(day, Counter()))
        for (district, street), value in level.items():
            if value:
                yield Snapshot(day=day, indicator=code, district_code=district, street_code=street, value=value)


MTD = "@mtd"


def mtd(code: str) -> str:
    """The month-to-date companion of a flow: its running total since the 1st of the month, so
    a run of whole months reads one row per month and street instead of one per day."""
    return f"{code}{MTD}"


def _flow_rows(code: str, daily: Daily, first: dt.date, last: dt.date) -> Iterator[Snapshot]:
    for day, counts in daily.items():
        if first <= day <= last:
            for (district, street), value in counts.items():
                if value:
                    yield Snapshot(day=day, indicator=code, district_code=district, street_code=street, value=value)
    running: Counter[Key] = Counter()
    for day, changes in daily.items():
        if month_start(first) <= day < first:
            running.update(changes)
    for day in _days(first, last):
        if day.day == 1:
            running = Counter()
        running.update(daily.get(day, Counter()))
        for (district, street), value in running.items():
            if value:
                yield Snapshot(day=day, indicator=mtd(code), district_code=district, street_code=street, value=value)


def _current_rows(code: str, counts: Counter[Key], day: dt.date) -> Iterator[Snapshot]:
    for (district, street), value in counts.items():
        if value:
            yield Snapshot(day=day, indicator=code, district_code=district, street_code=street, value=value)


def _served_rows(first: dt.date, last: dt.date, until: dt.datetime) -> Iterator[ServedMonth]:
    month = month_start(first)
    while month <= last:
        for (district, street, prev), n in served_in_month(month, until).items():
            yield ServedMonth(month=month, prev_month=prev, district_code=district, street_code=street, people=n)
        month = next_month(month)


def rebuild(
    *, since: dt.date | None = None, through: dt.date | None = None, progress: Progress | None = None
) -> SnapshotRun | None:
    """Build the snapshots of the days from `since` (default: the day after the last run, or 13
    months back on the first run) through `through` (default: yesterday). None: nothing to do."""
    started = timezone.now()
    say = progress or (lambda _text: None)
    through = through or timezone.localdate() - dt.timedelta(days=1)
    if since is None:
        previous = last_run()
        since = previous.built_through + dt.timedelta(days=1) if previous else default_start(through)
    if since > through:
        say(f"up to date through {through}")
        return None
    until = local_midnight(through + dt.timedelta(days=1))
    rows: list[Snapshot] = []
    for indicator in INDICATORS.values():
        say(f"{indicator.code} …")
        if indicator.kind == "served":
            continue
        if not indicator.has_history:
            rows.extend(_current_rows(indicator.code, indicator.current(), through))
        elif indicator.kind == "stock":
            rows.extend(_stock_rows(indicator.code, indicator.history(until), since, through))
        else:
            rows.extend(_flow_rows(indicator.code, indicator.history(until), since, through))
    say("people_served …")
    served = list(_served_rows(since, through, until))
    say("industry and enterprise views …")
    industries, enterprises = industry_rows(through, until), enterprise_rows(through)
    with transaction.atomic():
        Snapshot.objects.filter(day__gte=since, day__lte=through).delete()
        ServedMonth.objects.filter(month__gte=month_start(since), month__lte=through).delete()
        Snapshot.objects.bulk_create(rows, batch_size=BATCH)
        ServedMonth.objects.bulk_create(served, batch_size=BATCH)
        replace_breakdowns(industries, enterprises)
        run = SnapshotRun.objects.create(
            built_from=since, built_through=through, started_at=started, finished_at=timezone.now(), rows=len(rows)
        )
    say(f"built {since}…{through}: {len(rows)} snapshot rows, {len(served)} served rows")
    return run
