"""Staff-only downloads of join QR codes and posters, and the demo SMS outbox.

The console links here; scope is checked with core.access so an officer can only print codes
for orgs (and stations) in their scope — anything else is a 404, like a missing object."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongyou.core.access import get_in_scope, orgs_in_scope, staff_profile
from gongyou.core.models import Org, Station
from gongyou.portal import qr, sms
from gongyou.portal.views.common import page

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "txt": "text/plain; charset=utf-8"}


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not getattr(user, "is_superuser", False) and staff_profile(user) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def station_in_scope(user: Any, pk: int) -> Station:
    """A station is in scope when an org in scope is at it, is its enterprise's union, or is the
    federation / street union of its street."""
    station = Station.objects.select_related("street__parent", "enterprise").filter(pk=pk).first()
    if station is None:
        raise Http404
    territorial = (Org.Kind.STREET_FEDERATION, Org.Kind.STREET_UNION)
    reach = orgs_in_scope(user).filter(
        Q(station=station) | Q(enterprise_id=station.enterprise_id) | Q(region_id=station.street_id, kind__in=territorial)
    )
    if not reach.exists():
        raise Http404
    return station


def join_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("portal:join")) + "?" + urlencode({"t": token})


@require_GET
@staff_required
def qr_download(request: HttpRequest, kind: str, pk: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    object_id = int(pk)
    target: Org | Station
    if kind == "org":
        target = get_in_scope(request.user, Org.objects.select_related("region__parent", "station"), "", pk=object_id)
        if target.status != Org.Status.ACTIVE:
            raise Http404
    elif kind == "station":
        target = station_in_scope(request.user, object_id)
    else:
        raise Http404
    raw_days = (request.GET.get("days") or "").strip()
    days = int(raw_days) if raw_days.isdigit() else qr.DEFAULT_EXPIRES_DAYS if not raw_days else 0
    if not 1 <= days <= qr.MAX_EXPIRES_DAYS:
        # Staff read this in the browser tab: words, not the token module's exception text.
        message = _("有效天数须是1到%(max)d之间的整数") % {"max": qr.MAX_EXPIRES_DAYS}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    campaign = (request.GET.get("campaign") or "").strip()[:40] or None
    token = qr.make_join_token(
        org=target if isinstance(target, Org) else None,
        station=target if isinstance(target, Station) else None,
        campaign=campaign,
        expires_days=days,
    )
    url = join_url(request, token)
    body: bytes | str
    if fmt == "png":
        body = qr.qr_png(url)
    elif fmt == "svg":
        body = qr.qr_svg(url)
    elif fmt == "pdf":
        body = qr.join_poster_pdf(target, url)
    else:
        body = url
    response = HttpResponse(body, content_type=FORMATS[fmt])
    if fmt != "txt":
        response["Content-Disposition"] = f'attachment; filename="join-{kind}-{object_id}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def demo_sms(request: HttpRequest) -> HttpResponse:
    """The demo's "phone": recent codes the console backend sent (masked numbers only)."""
    enabled = sms.is_console_backend()
    return page(request, "portal/demo_sms.html", {"enabled": enabled, "outbox": sms.ConsoleBackend.recent() if enabled else []})
