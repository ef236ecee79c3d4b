"""SMS verification codes for the worker portal: sending through a pluggable backend, checking
with expiry, attempt limits and rate limits.

Backend selection: settings.GONGYOU_SMS_BACKEND (dotted path), default ConsoleBackend. The HTTP
gateway reads GONGYOU_SMS_GATEWAY_URL / GONGYOU_SMS_GATEWAY_TOKEN from settings, falling back to
the environment variables of the same names.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import secrets
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.env import env_str
from gongyou.portal import ratelimit
from gongyou.portal.models import SmsChallenge

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "gongyou.portal.sms.ConsoleBackend"
CODE_LENGTH = 6
CODE_TTL = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESEND_AFTER = 60  # seconds; the send button counts down the same
PER_PHONE_PER_HOUR = 5
PER_IP_PER_HOUR = 20
Purpose = SmsChallenge.Purpose


class SmsError(Exception):
    def __init__(self, code: str, message: Any, *, retry_after: int = 0) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.retry_after = retry_after


# --- backends ---------------------------------------------------------------------------------


class SmsBackend:
    """Deliver one text message; raise SmsError("send_failed", …) when the provider refuses."""

    def send(self, phone: str, message: str, *, purpose: str, code: str) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class DemoMessage:
    phone_masked: str
    purpose: str
    code: str
    at: dt.datetime


class ConsoleBackend(SmsBackend):
    """Demo and tests: keep the last codes where staff (and tests) read them (/join/demo-sms/);
    the log says only that a message went out.

    The outbox lives in the cache so it is shared by every web process when Redis is configured.
    """

    OUTBOX_KEY = "portal:sms:demo-outbox"
    KEEP = 30
    TTL = 30 * 60

    def send(self, phone: str, message: str, *, purpose: str, code: str) -> None:
        # Never the message: it carries the code, and logs travel further than the demo's screen.
        logger.info("SMS (%s) to %s; the demo shows the code at /join/demo-sms/", purpose, crypto.mask_phone(phone))
        # Only the keyed hash and the masked number: the outbox must not become a phone list.
        entry = {
            "phone_hash": crypto.phone_hash(phone),
            "phone_masked": crypto.mask_phone(phone),
            "purpose": purpose,
            "code": code,
            "at": timezone.now().isoformat(),
        }
        outbox = [entry, *cache.get(self.OUTBOX_KEY, [])][: self.KEEP]
        cache.set(self.OUTBOX_KEY, outbox, timeout=self.TTL)

    @classmethod
    def recent(cls) -> list[DemoMessage]:
        return [
            DemoMessage(e["phone_masked"], e["purpose"], e["code"], dt.datetime.fromisoformat(e["at"]))
            for e in cache.get(cls.OUTBOX_KEY, [])
        ]

    @classmethod
    def last_code(cls, phone: str, purpose: str | None = None) -> str | None:
        wanted = crypto.phone_hash(phone)
        for entry in cache.get(cls.OUTBOX_KEY, []):
            if entry["phone_hash"] == wanted and (purpose is None or entry["purpose"] == purpose):
                return str(entry["code"])
        return None


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = env_str(name)
    return str(value or "")


class HttpGatewayBackend(SmsBackend):
    """POSTs {"phone", "message", "template", "params"} as JSON with a bearer token to the
    operator's SMS gateway (a thin relay in front of the carrier's signed-template API)."""

    TIMEOUT = 5

    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        self.url = url if url is not None else _setting("GONGYOU_SMS_GATEWAY_URL")
        self.token = token if token is not None else _setting("GONGYOU_SMS_GATEWAY_TOKEN")
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("GONGYOU_SMS_GATEWAY_URL must be an http(s) URL for HttpGatewayBackend")
        if not self.token:
            raise ImproperlyConfigured("GONGYOU_SMS_GATEWAY_TOKEN is required for HttpGatewayBackend")

    def send(self, phone: str, message: str, *, purpose: str, code: str) -> None:
        body = json.dumps(
            {"phone": phone, "message": message, "template": purpose, "params": {"code": code}}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as response:  # noqa: S310
                status = response.status
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("SMS gateway unreachable: %s", exc)
            raise SmsError("send_failed", _("短信发送失败，请稍后再试")) from exc
        if not 200 <= status < 300:
            logger.warning("SMS gateway answered %s", status)
            raise SmsError("send_failed", _("短信发送失败，请稍后再试"))


def backend_path() -> str:
    return str(getattr(settings, "GONGYOU_SMS_BACKEND", None) or env_str("GONGYOU_SMS_BACKEND") or DEFAULT_BACKEND)


def get_backend() -> SmsBackend:
    backend = import_string(backend_path())()
    if not isinstance(backend, SmsBackend):
        raise ImproperlyConfigured("GONGYOU_SMS_BACKEND must name a gongyou.portal.sms.SmsBackend subclass")
    return backend


def is_console_backend() -> bool:
    return issubclass(import_string(backend_path()), ConsoleBackend)


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
    try:
        get_backend().send(phone, _message(code), purpose=purpose, code=code)
    except SmsError:
        SmsChallenge.objects.filter(pk=challenge.pk).delete()
        raise
    return challenge


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
        SmsChallenge.objects.filter(phone_hash=crypto.phone_hash(phone), purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if challenge is None:
        raise SmsError("no_code", _("请先点击“获取验证码”"))
    if challenge.expires_at <= timezone.now():
        raise SmsError("expired", _("验证码已过期，请重新获取"))
    if challenge.attempts >= MAX_ATTEMPTS:
        raise SmsError("too_many_attempts", _("验证码输错次数太多，请重新获取"))
    if not hmac.compare_digest(challenge.code_hash, _code_hash(phone, purpose, code)):
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
