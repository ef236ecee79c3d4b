"""The one QR renderer: join posters and cards, check-in codes, the TOTP enrolment code.

Always a full QR code (never a Micro QR, which WeChat's scanner does not read) with error
correction "M": it survives a crumpled or partly sun-bleached poster and keeps the code small
enough to scan from a metre away."""

from __future__ import annotations

import io
from typing import Any

import segno

ERROR = "m"
INK = "#1f2329"


def qr_code(text: str) -> segno.QRCode:
    return segno.make_qr(text, error=ERROR, boost_error=False)


def qr_png(text: str, *, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    qr_code(text).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(text: str, *, scale: int = 10, border: int = 4, inline: bool = False) -> str:
    """SVG text; `inline=True` drops the XML declaration and fixed size for embedding in HTML
    (class "qr"; the page's CSS sizes it)."""
    out = io.BytesIO()
    options: dict[str, Any] = {"kind": "svg", "scale": scale, "border": border, "dark": INK}
    if inline:
        options.update(xmldecl=False, svgns=True, omitsize=True, svgclass="qr")
    qr_code(text).save(out, **options)
    return out.getvalue().decode()


def qr_svg_data_uri(text: str, *, scale: int = 5, border: int = 2) -> str:
    """A data: URI for an <img src>, e.g. an otpauth:// URI that must not leave the page."""
    return str(qr_code(text).svg_data_uri(scale=scale, border=border, dark=INK))
