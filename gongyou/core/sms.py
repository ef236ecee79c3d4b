"""Sending text messages through a pluggable backend: the one SMS door for every app (portal
verification codes, appointment reminders from benefits).

Backend selection: settings.GONGYOU_SMS_BACKEND (dotted path), default ConsoleBackend. The HTTP
gateway reads GONGYOU_SMS_GATEWAY_URL / GONGYOU_SMS_GATEWAY_TOKEN from settings, falling back to
the environment variables of the same names.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.env import env_str

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "gongyou.core.sms.ConsoleBackend"


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
    """Demo and tests: log the message and keep the last codes where staff (and tests) read them.

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
        body = json.dumps({"phone": phone, "message": message, "template": purpose, "params": {"code": code}}).encode()
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
        raise ImproperlyConfigured("GONGYOU_SMS_BACKEND must name a gongyou.core.sms.SmsBackend subclass")
    return backend


def is_console_backend() -> bool:
    return issubclass(import_string(backend_path()), ConsoleBackend)
