"""Deadlines and overdue periods (SPEC §6; settings GONGYOU["CASE_DEADLINES"]).

A case must be accepted within N working days of submission (Monday to Friday in Shanghai time;
public holidays are not modelled, so a deadline over a holiday is a day early, never late), then
resolved within M calendar days of acceptance. Once overdue, each further
CASE_OVERDUE_PERIOD_DAYS is a new overdue period: period 1 starts at the deadline itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def accept_working_days(case_type: str) -> int:
    return int(settings.GONGYOU["CASE_DEADLINES"][case_type][0])


def resolve_days(case_type: str) -> int:
    return int(settings.GONGYOU["CASE_DEADLINES"][case_type][1])


def period_length() -> dt.timedelta:
    return dt.timedelta(days=int(settings.GONGYOU["CASE_OVERDUE_PERIOD_DAYS"]))


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time `days` working days later; a start at the weekend counts from Monday."""
    local = timezone.localtime(start)
    moved = 0
    while moved < days:
        local = local + dt.timedelta(days=1)
        if local.weekday() < 5:
            moved += 1
    # Re-attach the zone by wall time (Shanghai has no DST, but stay correct if that changes).
    return timezone.make_aware(local.replace(tzinfo=None))


def accept_due(case_type: str, submitted_at: dt.datetime) -> dt.datetime:
    return add_working_days(submitted_at, accept_working_days(case_type))


def resolve_due(case_type: str, start: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(days=resolve_days(case_type))


def overdue_periods(due_at: dt.datetime | None, now: dt.datetime) -> int:
    """How many overdue periods have begun by `now` (0 while not overdue)."""
    if due_at is None or now < due_at:
        return 0
    return int((now - due_at) // period_length()) + 1
