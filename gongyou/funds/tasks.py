"""Funds' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from gongyou.core import jobs, schedule
from gongyou.core.actors import SYSTEM
from gongyou.funds.dues import lapse_unpaid_dues, send_dues_reminders


@schedule.daily("02:30")
@jobs.background()
def lapse_dues() -> int:
    """Lapse memberships with dues unpaid past GONGYOU_DUES_GRACE_DAYS."""
    return len(lapse_unpaid_dues(actor=SYSTEM))


@schedule.daily("10:00")
@jobs.background()
def dues_reminders() -> int:
    """Text members in arrears (at most once per GONGYOU_DUES_REMINDER_INTERVAL_DAYS)."""
    return send_dues_reminders(actor=SYSTEM)
