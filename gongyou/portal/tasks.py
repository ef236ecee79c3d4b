"""Portal's periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from gongyou.core import jobs, schedule
from gongyou.portal.sms import purge_expired


@schedule.daily("04:00")
@jobs.background()
def purge_sms_codes() -> int:
    return purge_expired()
