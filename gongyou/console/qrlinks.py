"""Links from console pages to the QR downloads (PNG, SVG, A4 poster PDF, link text) served by
console.views.join_qr. A campaign name and a validity in days travel as query parameters and are
signed into the join token."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FORMATS = (("png", _("二维码 PNG")), ("svg", _("二维码 SVG")), ("pdf", _("A4 海报 PDF")), ("txt", _("入会链接")))
MAX_DAYS = 3 * 365  # portal.qr.MAX_EXPIRES_DAYS


def clean_options(campaign: str | None, days: str | None) -> tuple[str, int | None]:
    """(campaign, days) from a console form: campaign trimmed to 40 characters, days kept only
    when it is a whole number the portal accepts (otherwise the default validity applies)."""
    text = (campaign or "").strip()[:40]
    value = (days or "").strip()
    number = int(value) if value.isdigit() and 1 <= int(value) <= MAX_DAYS else None
    return text, number


def qr_links(kind: str, pk: int, *, campaign: str = "", days: int | None = None) -> list[tuple[str, str]]:
    """[(label, url)] for kind "org" or "station"."""
    query = urlencode({k: v for k, v in (("campaign", campaign), ("days", days)) if v})
    suffix = f"?{query}" if query else ""
    return [
        (str(label), reverse("console:join_qr", kwargs={"kind": kind, "pk": pk, "fmt": fmt}) + suffix)
        for fmt, label in FORMATS
    ]
