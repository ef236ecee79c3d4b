"""The gate every console view passes: login, idle timeout, second factor, staff only, and
read-only roles refused on every POST (STYLE: viewer writing == 403).

The settings' MIDDLEWARE list is shared by the whole site, so the console enforces its session
rules here, once, for every console view instead of in a middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console import security
from gongyou.core import audit
from gongyou.core.access import require_write, staff_profile
from gongyou.core.actors import Actor

View = Callable[..., HttpResponse]


def _login_redirect(request: HttpRequest) -> HttpResponse:
    response = redirect_to_login(request.get_full_path())
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a table cell; make it navigate instead.
        response["HX-Redirect"] = response["Location"]
    return response


def gate(request: HttpRequest) -> HttpResponse | None:
    """The session rules every staff page shares (console and /admin/): signed in, not idle,
    second factor passed where required. A response means "not through"; None lets it pass."""
    user = request.user
    if not user.is_authenticated:
        return _login_redirect(request)
    if not security.touch(request):
        profile = staff_profile(user)
        audit.record(Actor.staff(user), "login.idle_timeout", user, org=profile.org if profile else None)
        logout(request)
        messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
        return _login_redirect(request)
    if security.is_console_user(user) and security.requires_totp(user) and not request.session.get(security.OTP_OK):
        return redirect("console:totp")
    profile = staff_profile(user)
    if profile is not None and profile.must_change_password and request.path != reverse("console:password"):
        # A temporary password (new account or reset by an admin): nothing else until changed.
        return redirect("console:password")
    return None


NOT_CONSOLE_USER = _l("这个账号没有工作台权限，请联系所在工会的管理员开通。")
ADMIN_ONLY = _l("这个页面只有管理员可以打开。")


def console_view(
    view: View | None = None,
    *,
    admin: bool = False,
    admin_reason: Any = ADMIN_ONLY,
    post_reads: bool = False,
    own_account: bool = False,
) -> Any:
    """`admin_reason` is what a non-admin is told on the 403 page: the check that refuses names
    its own reason (PermissionDenied's message), so the page never lists rules that do not apply.
    `post_reads`: the view's POST only reads (a search form posted to keep personal data out
    of the URL), so read-only roles may send it. `own_account`: the view's POST changes only the
    user's own account (their password), which read-only roles may do too."""

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = gated(request, *args, **kwargs)
            # Staff pages show personal data: the back button after logout, a shared computer or
            # a proxy must not find a cached copy.
            patch_cache_control(response, no_store=True, private=True)
            return response

        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = gate(request)
            if refused is not None:
                return refused
            user = request.user
            try:
                if not security.is_console_user(user):
                    raise PermissionDenied(NOT_CONSOLE_USER)
                if admin and not security.is_admin(user):
                    raise PermissionDenied(admin_reason)
                if request.method not in ("GET", "HEAD", "OPTIONS") and not (post_reads or own_account):
                    require_write(user)
                return func(request, *args, **kwargs)
            except Http404:
                # Same answer for "missing" and "not yours", in the console's own frame.
                return render(request, "console/404.html", status=404)
            except PermissionDenied as exc:
                reason = str(exc) or _("您的账号角色不能执行这个操作。")
                return render(request, "console/403.html", {"reason": reason}, status=403)

        return wrapper

    return decorate(view) if view is not None else decorate
