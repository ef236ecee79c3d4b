"""Staff downloads of join QR codes and posters, and the demo SMS outbox: console pages behind the
console's gate. Scope comes from core.access, so an officer can only print codes for orgs (and
stations) in their scope — anything else is a 404, like a missing object."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongyou.console.decorators import console_view
from gongyou.core import sms
from gongyou.core.access import get_in_scope, station_in_scope
from gongyou.core.models import Org, Station
from gongyou.core.qr import qr_png, qr_svg
from gongyou.members import join_links

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "txt": "text/plain; charset=utf-8"}


def join_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("portal:join")) + "?" + urlencode({"t": token})


def _target(request: HttpRequest, kind: str, pk: int) -> Org | Station:
    if kind == "station":
        return station_in_scope(request.user, pk)
    org = get_in_scope(request.user, Org.objects.select_related("region__parent", "station"), "", pk=pk)
    if org.status != Org.Status.ACTIVE:
        raise Http404
    return org


@console_view
@require_GET
def qr_download(request: HttpRequest, kind: str, pk: str, fmt: str) -> HttpResponse:
    object_id = int(pk)
    target = _target(request, kind, object_id)
    raw_days = (request.GET.get("days") or "").strip()
    days = int(raw_days) if raw_days.isdigit() else join_links.DEFAULT_EXPIRES_DAYS if not raw_days else 0
    if not 1 <= days <= join_links.MAX_EXPIRES_DAYS:
        # Staff read this in the browser tab: words, not the token module's exception text.
        message = _("有效天数须是1到%(max)d之间的整数") % {"max": join_links.MAX_EXPIRES_DAYS}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    campaign = (request.GET.get("campaign") or "").strip()[:40] or None
    token = join_links.make_join_token(
        org=target if isinstance(target, Org) else None,
        station=target if isinstance(target, Station) else None,
        campaign=campaign,
        expires_days=days,
    )
    url = join_url(request, token)
    body: bytes | str
    if fmt == "png":
        body = qr_png(url)
    elif fmt == "svg":
        body = qr_svg(url)
    elif fmt == "pdf":
        body = join_links.join_poster_pdf(target, url)
    else:
        body = url
    response = HttpResponse(body, content_type=FORMATS[fmt])
    if fmt != "txt":
        response["Content-Disposition"] = f'attachment; filename="join-{kind}-{object_id}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@console_view
@require_GET
def demo_sms(request: HttpRequest) -> HttpResponse:
    """The demo's "phone": recent codes the console backend sent (masked numbers only)."""
    enabled = sms.is_console_backend()
    outbox = sms.ConsoleBackend.recent() if enabled else []
    return render(request, "console/demo_sms.html", {"enabled": enabled, "outbox": outbox})
