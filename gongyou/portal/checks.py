"""The console (demo) SMS backend shows every code on /join/demo-sms/: with DEBUG off it would let
anyone sign in as any worker. settings.py refuses it by name; this check also catches a subclass."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from gongyou.portal import sms


@checks.register()
def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.DEBUG and sms.is_console_backend():
        return [
            checks.Critical(
                "GONGYOU_SMS_BACKEND is the console (demo) backend while DEBUG is off",
                hint="Set GONGYOU_SMS_BACKEND=gongyou.portal.sms.HttpGatewayBackend and its gateway URL and token.",
                id="gongyou.E002",
            )
        ]
    return []
