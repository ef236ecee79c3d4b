"""Staff login hardening (SPEC §9): lockout after repeated failures, TOTP for admins, idle timeout.

Numbers can be tuned in settings without code changes (getattr with these defaults), so the
settings module does not have to know about the console.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from gongyou.console.models import LoginFailure
from gongyou.core import clientaddr
from gongyou.core.access import staff_profile
from gongyou.core.models import StaffProfile

FAILURE_LIMIT = getattr(settings, "GONGYOU_LOGIN_FAILURE_LIMIT", 5)
# Per IP the limit is higher: a street office sits behind one NAT address, and five typos by
# five colleagues must not lock the whole office out. Guessing across usernames is still capped.
IP_FAILURE_LIMIT = getattr(settings, "GONGYOU_LOGIN_IP_FAILURE_LIMIT", 20)
TOTP_FAILURE_LIMIT = getattr(settings, "GONGYOU_TOTP_FAILURE_LIMIT", 5)
LOCKOUT = dt.timedelta(minutes=getattr(settings, "GONGYOU_LOGIN_LOCKOUT_MINUTES", 15))
IDLE_TIMEOUT = dt.timedelta(minutes=getattr(settings, "GONGYOU_CONSOLE_IDLE_MINUTES", 30))
PENDING_TTL = dt.timedelta(minutes=5)

# Session keys.
OTP_OK = "console_otp_ok"
LAST_SEEN = "console_last_seen"
PENDING_USER = "console_pending_user"
PENDING_BACKEND = "console_pending_backend"
PENDING_AT = "console_pending_at"
TOTP_ACTIVATED = "console_totp_activated"


def client_ip(request: HttpRequest) -> str:
    return clientaddr.client_ip(request)


def normalise_username(username: str) -> str:
    return (username or "").strip()[:150]


def is_locked(username: str, ip: str, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - LOCKOUT
    recent = LoginFailure.objects.filter(at__gte=since, stage__in=("password", "totp"))
    if (
        recent.filter(username__iexact=username).count() >= FAILURE_LIMIT
        or recent.filter(ip=ip).count() >= IP_FAILURE_LIMIT
    ):
        return True
    # Second-factor failures are not forgiven by a correct password (which the guesser has) nor
    # by waiting: after TOTP_FAILURE_LIMIT of them every further miss locks the account again, so
    # guessing the 6 digits is held to one try per lockout period until a code is right.
    totp_failures = LoginFailure.objects.filter(username__iexact=username, stage="totp")
    latest = totp_failures.order_by("-at").values_list("at", flat=True).first()
    return latest is not None and latest >= since and totp_failures.count() >= TOTP_FAILURE_LIMIT


def record_failure(username: str, ip: str, stage: str = "password") -> LoginFailure:
    return LoginFailure.objects.create(username=username, ip=ip, stage=stage)


def clear_failures(username: str, *, stages: tuple[str, ...] = ("password",)) -> None:
    """Failures are evidence only for the lockout; the audit log keeps the history. A correct
    password clears password failures only; a correct second factor clears both."""
    LoginFailure.objects.filter(username__iexact=username, stage__in=stages).delete()


def is_console_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (getattr(user, "is_superuser", False) or staff_profile(user)))


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    profile = staff_profile(user)
    return profile is not None and profile.role == StaffProfile.Role.ADMIN


def requires_totp(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins (and superusers, who see the whole city) must pass a second factor."""
    return is_admin(user)


def touch(request: HttpRequest) -> bool:
    """Record activity; False when the session has been idle too long (caller logs out)."""
    now = timezone.now().timestamp()
    last = request.session.get(LAST_SEEN)
    if last is not None and now - float(last) > IDLE_TIMEOUT.total_seconds():
        return False
    # Writing the session costs a query: only refresh the stamp once a minute.
    if last is None or now - float(last) > 60:
        request.session[LAST_SEEN] = now
    return True
