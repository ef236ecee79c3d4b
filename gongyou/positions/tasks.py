"""Positions' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs, schedule
from gongyou.positions import coverage


@schedule.every(minutes=10)
@jobs.background(_l("统计各街镇劳动者人数"))
def count_workers() -> str:
    """Recount the coverage page's workers for the whole city (a rerun just counts again)."""
    counted = coverage.count_workers()
    return f"{sum(n for _street, _station, n in counted.groups)} workers"
