"""Cases' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from gongyou.cases.escalation import escalate_overdue
from gongyou.core import jobs, schedule
from gongyou.core.actors import SYSTEM


@schedule.every(minutes=60)
@jobs.background(_l("逾期诉求升级"))
def escalate_cases() -> int:
    """Escalate what is overdue now, once per overdue period (the same as `manage.py escalate_cases`;
    a rerun for the same moment escalates nothing)."""
    return len(escalate_overdue(timezone.now(), actor=SYSTEM))
