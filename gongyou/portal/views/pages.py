"""Plain pages: the portal's front page and the privacy notice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from gongyou.portal.session import current_membership
from gongyou.portal.views.common import page


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/home.html", {"membership": current_membership(request)})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/privacy.html")
