"""Links from console pages to the portal's QR downloads (PNG, SVG, A4 poster PDF, link text).

The portal owns the QR endpoint (portal:join_qr); a console page simply shows no links if it is
ever missing, instead of failing to render."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

FORMATS = (("png", _("二维码 PNG")), ("svg", _("二维码 SVG")), ("pdf", _("A4 海报 PDF")), ("txt", _("入会链接")))


def qr_links(kind: str, pk: int) -> list[tuple[str, str]]:
    """[(label, url)] for kind "org" or "station"."""
    try:
        return [(str(label), reverse("portal:join_qr", kwargs={"kind": kind, "pk": pk, "fmt": fmt})) for fmt, label in FORMATS]
    except NoReverseMatch:
        return []
