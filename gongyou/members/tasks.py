"""Members' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs, schedule
from gongyou.members import roster, transfers


@schedule.daily("02:15")
@jobs.background(_l("自动接收到期的接转"))
def auto_accept_transfers() -> int:
    """Accept transfers whose waiting period (GONGYOU_TRANSFER_AUTO_ACCEPT_DAYS) has passed."""
    return transfers.auto_accept_due_transfers()


@schedule.every(minutes=5)
@jobs.background(_l("名册后续处理"))
def process_outbox() -> int:
    """Finish roster follow-ups (transfer proposals) a crash interrupted."""
    return roster.process_outbox()
