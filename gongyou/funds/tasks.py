"""Funds' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs, schedule
from gongyou.core.actors import SYSTEM, Actor
from gongyou.funds.dues import lapse_unpaid_dues, send_dues_reminders
from gongyou.members.access import memberships_for


@schedule.daily("02:30")
@jobs.background(_l("欠缴会费会籍失效"))
def lapse_dues() -> int:
    """Lapse memberships with dues unpaid past GONGYOU_DUES_GRACE_DAYS."""
    return len(lapse_unpaid_dues(actor=SYSTEM))


@schedule.daily("10:00")
@jobs.background(_l("会费催缴短信"))
def dues_reminders() -> int:
    """Text members in arrears (at most once per GONGYOU_DUES_REMINDER_INTERVAL_DAYS)."""
    return send_dues_reminders(actor=SYSTEM)


@jobs.background(_l("会费催缴短信"), max_attempts=3)
def remind_arrears(user_id: int, actor_label: str) -> int:
    """A staff member's "send reminders" for the arrears in their scope, sent by a worker (one SMS
    per member; a rerun skips those reminded within the interval)."""
    user = get_user_model().objects.get(pk=user_id)
    return send_dues_reminders(memberships=memberships_for(user), actor=Actor(label=actor_label, user_id=user_id))
