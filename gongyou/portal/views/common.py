"""Helpers shared by the portal's page groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongyou.core.validators import validate_mobile
from gongyou.portal import ratelimit, sms


def page(request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    # The session's part of the context (header links) comes from portal.context for every page.
    response = render(request, template, context or {}, status=status)
    # Pages show personal data: never keep them in a shared (WeChat) cache or the back-forward cache.
    response["Cache-Control"] = "no-store"
    return response


def add_errors(form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's {field: [errors]} onto the form's fields (unknown fields → top of form)."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field_map.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def sms_state(request: HttpRequest, phone_raw: str, purpose: str) -> dict[str, Any]:
    """Send a code to the typed number; returns the state the SMS box shows (ok/message/error)."""
    try:
        phone = validate_mobile(phone_raw)
    except ValidationError as exc:
        return {"sms_ok": False, "sms_message": exc.messages[0], "sms_phone_error": True}
    try:
        sms.send_code(phone, purpose, ip=ratelimit.client_ip(request))
    except sms.SmsError as exc:
        return {"sms_ok": False, "sms_message": exc.message, "sms_cooldown": exc.retry_after if exc.code == "too_soon" else 0}
    state: dict[str, Any] = {
        "sms_ok": True,
        "sms_message": _("验证码已发送到%(phone)s，5分钟内有效") % {"phone": phone[:3] + "****" + phone[-4:]},
        "sms_cooldown": sms.RESEND_AFTER,
    }
    if settings.DEBUG and sms.is_console_backend():
        # Demo convenience (make run): there is no real SMS, so show the code the console "sent".
        state["sms_demo_code"] = sms.ConsoleBackend.last_code(phone, purpose)
    return state


def check_code(form: forms.Form, purpose: str, *, consume: bool) -> str | None:
    """Validate the phone and its SMS code on the form; the clean phone number or None."""
    try:
        phone = validate_mobile(form.data.get("phone", ""))
    except ValidationError as exc:
        if "phone" not in form.errors:
            form.add_error("phone", exc)
        return None
    try:
        sms.verify_code(phone, purpose, form.data.get("sms_code", ""), consume=consume)
    except sms.SmsError as exc:
        form.add_error("sms_code", ValidationError(exc.message, code=exc.code))
        return None
    return phone


@dataclass(frozen=True)
class SmsStep:
    """Where the SMS-code step left a request: `show` is the context to render the form again
    with (a code was sent, or the submit was throttled), else `phone` is the verified number
    (None when the phone or code was wrong: the errors are on the form)."""

    show: dict[str, Any] | None
    phone: str | None = None


def sms_step(request: HttpRequest, form: forms.Form, purpose: str, *, verify: bool = True) -> SmsStep:
    """The SMS-code step of joining, logging in and changing the phone, written once: "send
    code" sends one and shows the form again; a submit is rate-limited per client, then (with
    `verify`) the phone and its code are checked and the code used up. Joining verifies later
    itself, after the other fields, so that it shows every error at once."""
    if request.POST.get("action") == "send_code":
        state = sms_state(request, form.data.get("phone", ""), purpose)
        if state.pop("sms_phone_error", False):
            # A wrong number is the phone field's fault: say it there, not under the code box.
            if "phone" not in form.errors:
                form.add_error("phone", ValidationError(state["sms_message"], code="bad_phone"))
            state.pop("sms_message")
        return SmsStep(show=state)
    if not submit_allowed(request, purpose):
        form.add_error(None, _("提交太频繁了，请过一会儿再试"))
        return SmsStep(show={})
    return SmsStep(show=None, phone=check_code(form, purpose, consume=True) if verify else None)


def submit_allowed(request: HttpRequest, scope: str, *, limit: int = 30, window: int = 3600) -> bool:
    return ratelimit.hit(f"submit-{scope}", ratelimit.client_ip(request), limit=limit, window=window)
