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
    """Send a code to the typed number; returns the state the SMS box shows (ok/message/error,
    and while the text is on its way, the token its status line polls with)."""
    try:
        phone = validate_mobile(phone_raw)
    except ValidationError as exc:
        return {"sms_ok": False, "sms_message": exc.messages[0], "sms_phone_error": True}
    try:
        challenge = sms.send_code(phone, purpose, ip=ratelimit.client_ip(request))
    except sms.SmsError as exc:
        return {"sms_ok": False, "sms_message": exc.message, "sms_cooldown": exc.retry_after if exc.code == "too_soon" else 0}
    state: dict[str, Any] = {
        **delivery_state(challenge, sms.delivery(challenge), phone=phone[:3] + "****" + phone[-4:]),
        "sms_cooldown": sms.RESEND_AFTER,
    }
    if settings.DEBUG and sms.is_console_backend():
        # Demo convenience (make run): there is no real SMS, so show the code the console "sent".
        state["sms_demo_code"] = sms.ConsoleBackend.last_code(phone, purpose)
    return state


# Seconds between two looks at a text still on its way: soon while it is being sent, less often
# while the gateway's back-off runs (a weak signal should not pay for a busy gateway).
SMS_POLL_SECONDS = {sms.Delivery.SENDING: 3, sms.Delivery.RETRYING: 10}


def delivery_state(challenge: Any, delivery: sms.Delivery, *, phone: str = "") -> dict[str, Any]:
    """The SMS box's status line for a sent challenge: what to say, and whether to look again.
    `phone` (masked) names the number in the first answer; later looks do not know it."""
    if delivery == sms.Delivery.SENT:
        message = _("验证码已发送到%(phone)s，5分钟内有效") % {"phone": phone} if phone else _("验证码短信已发出，5分钟内有效")
    elif delivery == sms.Delivery.SENDING:
        message = _("正在发送验证码到%(phone)s，请稍候……") % {"phone": phone} if phone else _("正在发送验证码，请稍候……")
    elif delivery == sms.Delivery.RETRYING:
        message = _("短信一时没有发出去，正在重发，请稍候……")
    elif delivery == sms.Delivery.FAILED:
        message = _("验证码短信没有发出去。请过一会儿点“重新获取”；一直收不到，可以到附近的工会驿站求助")
    else:
        message = _("验证码没能及时发出，已经过期，请点“重新获取”")
    state: dict[str, Any] = {
        "sms_ok": delivery in (sms.Delivery.SENT, sms.Delivery.SENDING, sms.Delivery.RETRYING),
        "sms_message": message,
        "sms_delivery": str(delivery),
    }
    if delivery in SMS_POLL_SECONDS:
        state["sms_token"] = sms.status_token(challenge)
        state["sms_poll"] = SMS_POLL_SECONDS[delivery]
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
