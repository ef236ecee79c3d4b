"""Links from console pages to the portal's QR downloads (PNG, SVG, A4 poster PDF).

The portal owns the QR endpoints; their URL names are looked up here so a console page simply
shows no links when the portal does not provide them (yet)."""

from __future__ import annotations

import contextlib

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

FORMATS = (("png", _("二维码 PNG")), ("svg", _("二维码 SVG")), ("pdf", _("A4 海报 PDF")))
# Candidate URL names, tried in order: (name pattern, whether the format is a kwarg).
_CANDIDATES = ("portal:{kind}_qr_{fmt}", "portal:qr_{kind}_{fmt}")


def qr_links(kind: str, pk: int) -> list[tuple[str, str]]:
    """[(label, url)] for kind "org" or "station"; empty when the portal has no such endpoints."""
    links = []
    for fmt, label in FORMATS:
        for pattern in _CANDIDATES:
            try:
                links.append((str(label), reverse(pattern.format(kind=kind, fmt=fmt), args=[pk])))
                break
            except NoReverseMatch:
                continue
        else:
            with contextlib.suppress(NoReverseMatch):
                links.append((str(label), reverse(f"portal:{kind}_qr", args=[pk, fmt])))
    return links
