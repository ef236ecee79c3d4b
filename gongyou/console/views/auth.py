"""Login (password, then TOTP for admins), TOTP enrolment and logout. Every event is audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gongyou.console import security, services, totp
from gongyou.console.models import LoginFailure, StaffTOTP
from gongyou.core import audit, crypto
from gongyou.core.access import staff_profile
from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.core.qr import qr_svg_data_uri

ISSUER = "工友工作台"


def _org(user: Any) -> Any:
    profile = staff_profile(user)
    return profile.org if profile else None


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/console/"


def _login_org(username: str) -> Any:
    """Login entries are filed under the account's org so its admins (and the city's) see them;
    an unknown username belongs to no org, so it goes to the city federation (issue 7)."""
    user = get_user_model().objects.filter(username=username).first()
    org = _org(user) if user is not None else None
    if org is None:
        org = Org.objects.filter(kind=Org.Kind.CITY_FEDERATION, status=Org.Status.ACTIVE).order_by("id").first()
    return org


def _fail(request: HttpRequest, username: str, stage: str, action: str) -> None:
    ip = security.client_ip(request)
    failure = security.record_failure(username, ip, stage)
    audit.record(Actor(label=f"login:{username}"[:80]), action, failure, org=_login_org(username), reason=ip)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = security.normalise_username(request.POST.get("username", ""))
        ip = security.client_ip(request)
        if security.is_locked(username, ip):
            failure = LoginFailure(username=username, ip=ip, stage="locked")
            failure.save()
            audit.record(
                Actor(label=f"login:{username}"[:80]), "login.locked", failure, org=_login_org(username), reason=ip
            )
            error = _("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试。") % {
                "minutes": int(security.LOCKOUT.total_seconds() // 60)
            }
        else:
            user = authenticate(request, username=username, password=request.POST.get("password", ""))
            if user is None:
                _fail(request, username, "password", "login.failed")
                error = _("用户名或密码不正确。")
            elif not security.is_console_user(user):
                audit.record(Actor.staff(user), "login.refused", user, org=_login_org(username), reason=ip)
                error = _("这个账号没有开通工会工作台。")
            else:
                security.clear_failures(username)
                if security.requires_totp(user):
                    request.session.cycle_key()
                    request.session[security.PENDING_USER] = user.pk
                    request.session[security.PENDING_BACKEND] = user.backend  # type: ignore[attr-defined]
                    request.session[security.PENDING_AT] = timezone.now().timestamp()
                    audit.record(Actor.staff(user), "login.password_ok", user, org=_org(user), reason=ip)
                    return redirect(f"{_totp_url()}?{urlencode({'next': _next_url(request)})}")
                login(request, user)
                request.session[security.LAST_SEEN] = timezone.now().timestamp()
                audit.record(Actor.staff(user), "login.success", user, org=_org(user), reason=ip)
                return redirect(_next_url(request))
    return render(
        request,
        "console/login.html",
        {"error": error, "username": username, "next": _next_url(request)},
        status=200 if not error else 400,
    )


def _totp_url() -> str:
    from django.urls import reverse

    return reverse("console:totp")


def _pending_user(request: HttpRequest) -> Any:
    """The user who passed the password step (or a signed-in admin still lacking the factor)."""
    if request.user.is_authenticated:
        return request.user if security.requires_totp(request.user) else None
    pk = request.session.get(security.PENDING_USER)
    started = request.session.get(security.PENDING_AT)
    if pk is None or started is None:
        return None
    if timezone.now().timestamp() - float(started) > security.PENDING_TTL.total_seconds():
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def _locked_message() -> str:
    return _("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试。") % {
        "minutes": int(security.LOCKOUT.total_seconds() // 60)
    }


@sensitive_post_parameters("code", "activation")
@csrf_protect
@never_cache
def totp_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("请先输入用户名和密码。"))
        return redirect("console:login")
    device = StaffTOTP.objects.filter(user=user).first()
    enrolling = device is None or device.confirmed_at is None
    # The secret is shown only after the activation code was given in this session.
    activated = device is not None and request.session.get(security.TOTP_ACTIVATED) == device.pk
    username = user.get_username()
    ip = security.client_ip(request)
    error = ""
    if request.method == "POST":
        if security.is_locked(username, ip):
            error = _locked_message()
        elif enrolling and not activated:
            if device is not None and services.check_totp_activation(device, request.POST.get("activation", "")):
                request.session[security.TOTP_ACTIVATED] = device.pk
                activated = True
            else:
                _fail(request, username, "totp", "login.totp_failed")
                error = _("激活码不正确或已过期，请向另一位管理员索取新的激活码。")
        else:
            assert device is not None
            secret = crypto.decrypt(device.secret_enc)
            step = totp.verify(secret, request.POST.get("code", ""), last_step=device.last_step)
            if step is None:
                _fail(request, username, "totp", "login.totp_failed")
                error = _("动态口令不正确或已使用，请输入验证器上最新的6位数字。")
            else:
                StaffTOTP.objects.filter(pk=device.pk).update(
                    last_step=step,
                    confirmed_at=device.confirmed_at or timezone.now(),
                    activation_hash="",
                    activation_expires_at=None,
                )
                security.clear_failures(username, stages=("password", "totp"))
                if enrolling:
                    audit.record(Actor.staff(user), "totp.enrol", user, org=_org(user))
                if not request.user.is_authenticated:
                    user.backend = request.session.get(security.PENDING_BACKEND)
                    login(request, user)
                for key in (security.PENDING_USER, security.PENDING_BACKEND, security.PENDING_AT, security.TOTP_ACTIVATED):
                    request.session.pop(key, None)
                request.session[security.OTP_OK] = True
                request.session[security.LAST_SEEN] = timezone.now().timestamp()
                audit.record(Actor.staff(user), "login.success", user, org=_org(user), reason=ip)
                return redirect(_next_url(request))
    context: dict[str, Any] = {
        "enrolling": enrolling,
        "activated": activated,
        "error": error,
        "next": _next_url(request),
        "account": username,
    }
    if enrolling and activated:
        assert device is not None
        secret = crypto.decrypt(device.secret_enc)
        uri = totp.provisioning_uri(secret, account=username, issuer=ISSUER)
        context.update(qr=qr_svg_data_uri(uri), secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)))
    return render(request, "console/totp.html", context, status=200 if not error else 400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(Actor.staff(request.user), "logout", request.user, org=_org(request.user))
    logout(request)
    messages.info(request, _("已安全退出。"))
    return redirect("console:login")
