"""The electronic membership card, its verification page and the web app manifest."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from gongyou.core import crypto
from gongyou.core.qr import qr_svg
from gongyou.members.models import Membership
from gongyou.portal import cards
from gongyou.portal.session import member_required
from gongyou.portal.views.common import page

THEME_COLOR = "#c8102e"


def _qr_context(request: HttpRequest, membership: Membership) -> dict[str, object]:
    token = cards.card_token(membership.pk)
    url = request.build_absolute_uri(reverse("portal:verify", args=[token]))
    return {
        # segno's SVG is generated from our own URL, never from user input: safe to inline.
        "qr_svg": mark_safe(qr_svg(url, scale=4, inline=True)),  # noqa: S308
        "qr_url": url,
        "qr_refresh": cards.REFRESH_SECONDS,
        "qr_made_at": timezone.localtime(),
    }


@member_required
def card(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return page(request, "portal/card.html", {"membership": membership, **_qr_context(request, membership)})


@member_required
def card_qr(request: HttpRequest) -> HttpResponse:
    """htmx: a fresh QR every minute, so the one on screen is always valid."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return page(request, "portal/_card_qr.html", {"membership": membership, **_qr_context(request, membership)})


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """What a staff member sees after scanning a card: valid or not, masked name, status, union."""
    membership = None
    problem = ""
    try:
        pk = cards.read_card_token(token)
        membership = Membership.objects.select_related("person", "org").filter(pk=pk).first()
        if membership is None or membership.person.anonymised_at is not None:
            problem = "invalid"
    except cards.CardTokenError as exc:
        problem = exc.code
    context = {"problem": problem, "checked_at": timezone.localtime()}
    if membership is not None and not problem:
        context.update(
            membership=membership,
            masked_name=crypto.mask_name(membership.person.name),
            valid=membership.status == Membership.Status.ACTIVE,
        )
    response = page(request, "portal/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """Web app manifest, so "add to home screen" opens the card like an app."""
    data = {
        "name": _("工友 · 工会会员服务"),
        "short_name": _("工友"),
        "description": _("新就业形态劳动者入会、电子会员证和会籍服务"),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("portal:card") + "?source=homescreen",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f6f7",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
