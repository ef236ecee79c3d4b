"""Core's background tasks: text messages sent outside the request, and the job table's clean-up."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from gongyou.core import crypto, jobs, schedule, sms
from gongyou.core.models import BackgroundJob

# Finished jobs (and the export files they hold) are kept this long.
KEEP_FINISHED = dt.timedelta(days=7)


@jobs.background(_l("发送短信"), max_attempts=3)
def deliver_sms(phone_enc: str, message_enc: str, purpose: str, code_enc: str) -> None:
    """One text message; the number, text and code travel encrypted (the job row is stored).
    A gateway failure raises SmsError, and the job is tried again after the back-off."""
    sms.get_backend().send(
        crypto.decrypt(phone_enc), crypto.decrypt(message_enc), purpose=purpose, code=crypto.decrypt(code_enc)
    )


def send_sms_later(phone: str, message: str, *, purpose: str, code: str = "") -> BackgroundJob | None:
    """Queue one text message; the job that sends it (its status says whether it went out), or
    None when it was written at once: the demo's console backend keeps codes in this process's
    cache for /join/demo-sms/ (a worker's cache is another one without Redis), and it has no
    gateway to wait for."""
    if sms.is_console_backend():
        sms.get_backend().send(phone, message, purpose=purpose, code=code)
        return None
    return jobs.enqueue(deliver_sms, crypto.encrypt(phone), crypto.encrypt(message), purpose, crypto.encrypt(code))


@schedule.daily("04:30")
@jobs.background(_l("清理已完成的后台任务"))
def purge_finished_jobs() -> int:
    return jobs.purge_finished(timezone.now() - KEEP_FINISHED)
