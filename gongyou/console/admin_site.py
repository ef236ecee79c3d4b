"""The Django admin behind the console's gate.

The probe logged in to /admin/ after 30 wrong passwords, with no second factor and no failure
recorded: Django's own admin login knows none of the console's rules. So the admin has no login
of its own (it sends people to the console's, with its lockout, TOTP and audit), every admin view
passes the same session gate (idle timeout, second factor) and only admins who passed TOTP get in.
It is off (404) unless GONGYOU_ADMIN_ENABLED is set.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from gongyou.console import security
from gongyou.console.decorators import gate

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponseBase])


def admin_enabled() -> bool:
    return bool(getattr(settings, "GONGYOU_ADMIN_ENABLED", False))


def passed_gate(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active
        and getattr(user, "is_staff", False)
        and security.is_admin(user)
        and request.session.get(security.OTP_OK)
    )


class GatedAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return admin_enabled() and passed_gate(request)

    def admin_view(self, view: ViewT, cacheable: bool = False) -> ViewT:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not admin_enabled():
                raise Http404
            refused = gate(request)
            if refused is not None:
                return refused
            if not passed_gate(request):
                # Signed in to the console but not an admin with a second factor.
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return cast(ViewT, gated)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not admin_enabled():
            raise Http404
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url=reverse("console:login"))
