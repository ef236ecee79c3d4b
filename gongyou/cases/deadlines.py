"""Deadlines and overdue periods (SPEC §6; settings GONGYOU["CASE_DEADLINES"]).

A case must be accepted within N working days of submission, then resolved within M calendar
days of acceptance. Working days are those of the State Council's arrangement as loaded with
`manage.py load_holidays` (positions.PublicHoliday): Monday to Friday in Shanghai time, except the
public holidays, plus the weekend days worked in exchange (调休上班). A year not loaded yet counts
Monday to Friday. Once overdue, each further
CASE_OVERDUE_PERIOD_DAYS is a new overdue period: period 1 starts at the deadline itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from gongyou.positions.models import PublicHoliday


def accept_working_days(case_type: str) -> int:
    return int(settings.GONGYOU["CASE_DEADLINES"][case_type][0])


def resolve_days(case_type: str) -> int:
    return int(settings.GONGYOU["CASE_DEADLINES"][case_type][1])


def period_length() -> dt.timedelta:
    return dt.timedelta(days=int(settings.GONGYOU["CASE_OVERDUE_PERIOD_DAYS"]))


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time `days` working days later; a start on a day off counts from the next
    working day."""
    local = timezone.localtime(start)
    arrangement = _arrangement(local.date(), days)
    moved = 0
    while moved < days:
        local = local + dt.timedelta(days=1)
        if arrangement.get(local.date(), local.weekday() < 5):
            moved += 1
    # Re-attach the zone by wall time (Shanghai has no DST, but stay correct if that changes).
    return timezone.make_aware(local.replace(tzinfo=None))


def _arrangement(start: dt.date, days: int) -> dict[dt.date, bool]:
    """Whether each arranged date after `start` is a working day (False: a holiday; True: a
    make-up working day), far enough ahead for `days` working days: the longest run of days off
    in an arrangement is nine (the Spring Festival), so a week per working day and a month more
    is ample."""
    end = start + dt.timedelta(days=7 * days + 31)
    return dict(
        PublicHoliday.objects.filter(date__gt=start, date__lte=end).values_list("date", "workday")
    )


def accept_due(case_type: str, submitted_at: dt.datetime) -> dt.datetime:
    return add_working_days(submitted_at, accept_working_days(case_type))


def resolve_due(case_type: str, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(days=resolve_days(case_type))


def overdue_periods(due_at: dt.datetime | None, now: dt.datetime) -> int:
    """How many overdue periods have begun by `now` (0 while not overdue)."""
    if due_at is None or now < due_at:
        return 0
    return int((now - due_at) // period_length()) + 1
