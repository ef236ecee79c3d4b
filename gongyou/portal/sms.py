"""SMS verification codes for the worker portal: sending through the backend in core.sms,
checking with expiry, attempt limits and rate limits."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import unicodedata
from enum import StrEnum

from django.core import signing
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.core.models import BackgroundJob

# The backends moved to core (benefits sends reminders through them too); these names stay here
# so settings naming gongyou.portal.sms.ConsoleBackend / HttpGatewayBackend keep working.
from gongyou.core.sms import (  # noqa: F401
    DEFAULT_BACKEND,
    ConsoleBackend,
    DemoMessage,
    HttpGatewayBackend,
    SmsBackend,
    SmsError,
    backend_path,
    get_backend,
    is_console_backend,
)
from gongyou.core.tasks import send_sms_later
from gongyou.portal import ratelimit
from gongyou.portal.models import SmsChallenge

CODE_LENGTH = 6
CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_AFTER = 60  # seconds; the send button counts down the same
PER_PHONE_PER_HOUR = 5
PER_IP_PER_HOUR = 20
Purpose = SmsChallenge.Purpose


# --- codes ------------------------------------------------------------------------------------------


def _code_hash(phone: str, purpose: str, code: str) -> str:
    return crypto.keyed_hash("sms", f"{purpose}:{phone}:{code}")


def _message(code: str) -> str:
    # Carriers require a fixed Chinese template with the signature; the code is its only variable.
    return f"【工友】您的验证码是{code}，5分钟内有效。请勿把验证码告诉他人。"


def send_code(phone: str, purpose: str, *, ip: str) -> SmsChallenge:
    """Send a fresh code to an already validated mobile number. Limits: one per minute and five
    per hour per number, twenty per hour per client address."""
    if purpose not in Purpose.values:
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    if not ratelimit.hit("sms-ip", ip, limit=PER_IP_PER_HOUR, window=3600):
        raise SmsError("rate_limited", _("获取验证码太频繁了，请一小时后再试"), retry_after=3600)
    if not ratelimit.hit("sms-phone-min", f"{purpose}:{phone}", limit=1, window=RESEND_AFTER):
        raise SmsError(
            "too_soon", _("验证码已发送，请%(seconds)d秒后再重新获取") % {"seconds": RESEND_AFTER}, retry_after=RESEND_AFTER
        )
    if not ratelimit.hit("sms-phone-hour", phone, limit=PER_PHONE_PER_HOUR, window=3600):
        raise SmsError("rate_limited", _("这个手机号获取验证码次数太多，请一小时后再试"), retry_after=3600)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    now = timezone.now()
    challenge = SmsChallenge.objects.create(
        phone_hash=crypto.phone_hash(phone),
        purpose=purpose,
        code_hash=_code_hash(phone, purpose, code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    # Sent by a worker, never inside the request: a slow or failing gateway costs the worker a
    # retry with back-off (core.tasks.deliver_sms), not the worker on the phone a hanging page.
    job = send_sms_later(phone, _message(code), purpose=purpose, code=code)
    if job is not None:
        SmsChallenge.objects.filter(pk=challenge.pk).update(job=job)
        challenge.job = job
    return challenge


# --- whether the code went out --------------------------------------------------------------------


class Delivery(StrEnum):
    SENDING = "sending"  # queued or being sent
    RETRYING = "retrying"  # the gateway failed; the job tries again after its back-off
    SENT = "sent"
    FAILED = "failed"  # every attempt failed: the worker must ask for a new code
    EXPIRED = "expired"  # not sent before the code's five minutes ran out


_JOB_DELIVERY: dict[str, Delivery] = {
    BackgroundJob.Status.QUEUED: Delivery.SENDING,
    BackgroundJob.Status.RUNNING: Delivery.SENDING,
    BackgroundJob.Status.RETRYING: Delivery.RETRYING,
    BackgroundJob.Status.SUCCEEDED: Delivery.SENT,
    BackgroundJob.Status.FAILED: Delivery.FAILED,
}


def delivery(challenge: SmsChallenge, now: dt.datetime | None = None) -> Delivery:
    """How the challenge's text fares: from its sending job's status (no job: written at once)."""
    if challenge.job_id is None:
        return Delivery.SENT
    status = BackgroundJob.objects.filter(pk=challenge.job_id).values_list("status", flat=True).first()
    state = _JOB_DELIVERY.get(status, Delivery.SENT) if status is not None else Delivery.SENT
    if state in (Delivery.SENDING, Delivery.RETRYING) and challenge.expires_at <= (now or timezone.now()):
        return Delivery.EXPIRED
    return state


_STATUS_SALT = "gongyou.portal.sms-status"


def status_token(challenge: SmsChallenge) -> str:
    """What the phone's page polls with: the challenge, signed (no number, no code in the URL)."""
    return signing.dumps(challenge.pk, salt=_STATUS_SALT)


def challenge_for_token(token: str) -> SmsChallenge | None:
    """The challenge a status token names, while it can still matter; None for a forged or stale one."""
    try:
        pk = signing.loads(token, salt=_STATUS_SALT, max_age=CODE_TTL + dt.timedelta(minutes=5))
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return SmsChallenge.objects.filter(pk=pk).first()


def _normalise_code(value: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if not ch.isspace())


def verify_code(phone: str, purpose: str, code: str, *, consume: bool = True) -> None:
    """Check a code against the newest unused challenge; raise SmsError if it does not match.

    Every wrong guess counts; after MAX_ATTEMPTS the challenge is dead and a new code is needed,
    which bounds guessing to 5 tries per minute per number (RESEND_AFTER)."""
    code = _normalise_code(code)
    if not code:
        raise SmsError("required", _("请填写短信验证码"))
    challenge = (
        SmsChallenge.objects.filter(phone_hash__in=crypto.phone_hashes(phone), purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if challenge is None:
        raise SmsError("no_code", _("请先点击“获取验证码”"))
    if challenge.expires_at <= timezone.now():
        raise SmsError("expired", _("验证码已过期，请重新获取"))
    if challenge.attempts >= MAX_ATTEMPTS:
        raise SmsError("too_many_attempts", _("验证码输错次数太多，请重新获取"))
    # Either key: a code sent just before a data-key rotation is still good for its five minutes.
    codes = crypto.keyed_hashes("sms", f"{purpose}:{phone}:{code}")
    if not any(hmac.compare_digest(challenge.code_hash, candidate) for candidate in codes):
        SmsChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
        left = MAX_ATTEMPTS - challenge.attempts - 1
        if left <= 0:
            raise SmsError("too_many_attempts", _("验证码输错次数太多，请重新获取"))
        raise SmsError("wrong_code", _("验证码不对，请核对短信后重新输入（还可以试%(left)d次）") % {"left": left})
    # The filter on used_at makes a code usable once even when two submits race.
    if consume and not SmsChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise SmsError("no_code", _("请先点击“获取验证码”"))


def purge_expired(before: dt.datetime | None = None) -> int:
    """Delete challenges that can no longer be used (for a daily cron)."""
    cutoff = before or timezone.now() - dt.timedelta(days=1)
    deleted, _ = SmsChallenge.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
