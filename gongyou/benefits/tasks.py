"""Benefits' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.benefits.appointments import send_appointment_reminders
from gongyou.core import jobs, schedule
from gongyou.core.actors import SYSTEM


@schedule.daily("09:00")
@jobs.background(_l("预约提醒短信"))
def appointment_reminders() -> dict[str, int]:
    """The day-before SMS for tomorrow's appointments (each appointment once)."""
    run = send_appointment_reminders(actor=SYSTEM)
    return {"sent": run.sent, "failed": run.failed}
