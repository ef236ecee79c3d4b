"""Portal's periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs, schedule
from gongyou.portal.sms import purge_expired


@schedule.daily("04:00")
@jobs.background(_l("清理过期验证码"))
def purge_sms_codes() -> int:
    return purge_expired()
