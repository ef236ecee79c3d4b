"""Members' periodic work (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
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


# Done roster follow-ups are kept this long (for looking into a proposal that puzzled someone).
KEEP_DONE_OUTBOX = dt.timedelta(days=7)


@schedule.daily("04:45")
@jobs.background(_l("清理已完成的名册后续处理"))
def purge_done_outbox() -> int:
    """Delete roster follow-ups done more than KEEP_DONE_OUTBOX ago; the table stayed forever."""
    return roster.purge_done_outbox(timezone.now() - KEEP_DONE_OUTBOX)
