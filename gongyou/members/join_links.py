"""QR joining (扫码入会, SPEC §3): signed, expiring join tokens and the A4 poster that carries
them (the QR images themselves come from core.qr).

A join token is a django.core.signing payload (own salt, so no other signed value of the site
can be replayed as one) holding the org / station / campaign the code was printed for and its
expiry date. Posters hang on walls for months, so the expiry travels inside the token instead of
being a global max_age; the signature makes both tamper-proof. Reading a token never raises on
bad input: the join form must stay usable when a poster has expired.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongyou.core.models import Org, Station
from gongyou.core.qr import qr_code

SALT = "gongyou.portal.join-token"
DEFAULT_EXPIRES_DAYS = 365
MAX_EXPIRES_DAYS = 3 * 365


class JoinTokenError(Exception):
    """A join token that cannot be used; `code` is "expired" or "invalid"."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class JoinContext:
    org: Org | None
    station: Station | None
    campaign: str
    expires_at: dt.datetime

    @property
    def street(self) -> Any:
        """The work street the code points at (a station's street, or a street-level org's)."""
        if self.station is not None:
            return self.station.street
        if self.org is not None and self.org.region.level == "street":
            return self.org.region
        return None

    @property
    def union(self) -> Org | None:
        if self.org is not None:
            return self.org
        if self.station is not None:
            return station_union(self.station)
        return None


def _campaign_code(campaign: object) -> str:
    if campaign is None:
        return ""
    code = str(getattr(campaign, "code", None) or getattr(campaign, "pk", None) or campaign)
    return code[:40]


def make_join_token(
    *,
    org: Org | None = None,
    station: Station | None = None,
    campaign: object = None,
    expires_days: int = DEFAULT_EXPIRES_DAYS,
) -> str:
    """A URL-safe token for /join/?t=…; `campaign` is a code string or an object with a code/pk."""
    if org is None and station is None and campaign is None:
        raise ValueError("a join token needs an org, a station or a campaign")
    if not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise ValueError(f"expires_days must be between 1 and {MAX_EXPIRES_DAYS}")
    # A station union's code also carries its station, so the station is preselected too.
    if station is None and org is not None and org.station_id is not None:
        station = org.station
    expires = int((timezone.now() + dt.timedelta(days=expires_days)).timestamp())
    payload: dict[str, object] = {"x": expires}
    if org is not None:
        payload["o"] = org.pk
    if station is not None:
        payload["s"] = station.pk
    if campaign is not None:
        payload["c"] = _campaign_code(campaign)
    return signing.dumps(payload, salt=SALT, compress=True)


def read_join_token(token: str) -> JoinContext:
    """The context of a join token, or JoinTokenError (tampered, unknown org, or expired)."""
    try:
        payload = signing.loads(token or "", salt=SALT)
    except signing.BadSignature as exc:
        raise JoinTokenError("invalid", _("这个二维码无法识别，请直接填写下面的信息入会")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("x"), int):
        raise JoinTokenError("invalid", _("这个二维码无法识别，请直接填写下面的信息入会"))
    expires_at = dt.datetime.fromtimestamp(payload["x"], tz=dt.UTC)
    if expires_at < timezone.now():
        raise JoinTokenError("expired", _("这个入会二维码已过期，请直接填写下面的信息入会"))
    org = station = None
    if "o" in payload:
        org = Org.objects.select_related("region", "station").filter(pk=payload["o"], status=Org.Status.ACTIVE).first()
        if org is None:
            raise JoinTokenError("invalid", _("二维码对应的工会已不再接收会员，请直接填写下面的信息入会"))
    if "s" in payload:
        station = Station.objects.select_related("street__parent", "enterprise").filter(pk=payload["s"]).first()
        if station is None:
            raise JoinTokenError("invalid", _("二维码对应的站点已不存在，请直接填写下面的信息入会"))
    return JoinContext(org=org, station=station, campaign=str(payload.get("c", "")), expires_at=expires_at)


def station_union(station: Station) -> Org | None:
    """The union a station's poster names: its branch union/group, else the street's federation."""
    return (
        Org.objects.filter(station=station, status=Org.Status.ACTIVE, kind__in=Org.STATION_KINDS).order_by("id").first()
        or Org.objects.filter(
            region=station.street_id, kind=Org.Kind.STREET_FEDERATION, status=Org.Status.ACTIVE
        ).order_by("id").first()
    )


# --- the A4 poster ----------------------------------------------------------------------------------

CJK_FONT = "STSong-Light"  # an Adobe CID font every PDF reader carries: no font file to ship


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def poster_titles(org_or_station: Org | Station) -> tuple[str, str]:
    """(union name, place line) printed on the poster."""
    if isinstance(org_or_station, Station):
        union = station_union(org_or_station)
        # Full-width space as separator: STSong-Light has no glyph for "·" (U+00B7).
        place = f"{org_or_station.street.full_name}\u3000{org_or_station.name}"
        return (union.name if union else org_or_station.name), place
    region = org_or_station.region
    return org_or_station.name, region.full_name if region.level == "street" else region.name


def _fit(text: str, font: str, size: float, width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 10 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def join_poster_pdf(org_or_station: Org | Station, url: str) -> bytes:
    """A printable A4 poster: the union's name, a one-line call to join, the QR code, how to scan."""
    from reportlab.lib.colors import HexColor, white
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _register_font()
    union_name, place = poster_titles(org_or_station)
    width, height = A4
    red, ink, muted = HexColor("#c8102e"), HexColor("#1f2329"), HexColor("#646a73")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{union_name} 扫码入会")
    pdf.setAuthor("工友")

    # Red band with the union's name.
    band = 190
    pdf.setFillColor(red)
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.setFillColor(white)
    size = _fit(union_name, font, 34, width - 80)
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, height - 95, union_name)
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 135, place)

    # The call to join, one line.
    call = "新就业形态劳动者，扫码加入工会"
    pdf.setFillColor(ink)
    pdf.setFont(font, _fit(call, font, 30, width - 80))
    pdf.drawCentredString(width / 2, height - band - 70, call)

    # The QR code drawn as vector modules, so it prints sharp at any size.
    matrix = qr_code(url).matrix
    modules = len(matrix)
    side = 300
    cell = side / (modules + 8)
    left = (width - side) / 2
    top = height - band - 110
    pdf.setFillColor(white)
    pdf.setStrokeColor(HexColor("#e5e6eb"))
    pdf.rect(left, top - side, side, side, stroke=1, fill=1)
    pdf.setFillColor(ink)
    for row, line in enumerate(matrix):
        # One rectangle per run of dark modules, slightly overlapping the next row: no hairline
        # gaps between modules when a printer or viewer anti-aliases.
        col = 0
        while col < modules:
            if not line[col]:
                col += 1
                continue
            start = col
            while col < modules and line[col]:
                col += 1
            pdf.rect(left + (start + 4) * cell, top - (row + 5) * cell, (col - start) * cell, cell * 1.02, stroke=0, fill=1)

    pdf.setFillColor(ink)
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, top - side - 45, "打开微信扫一扫，一分钟完成入会")
    pdf.setFillColor(muted)
    pdf.setFont(font, 14)
    lines = [
        "入会后可领取电子会员证，享受普惠服务、法律援助、困难帮扶和专属保障",
        "会员流动不流失：换工作、换站点可在线办理组织关系接转",
    ]
    for i, text in enumerate(lines):
        pdf.setFont(font, _fit(text, font, 14, width - 80))
        pdf.drawCentredString(width / 2, top - side - 85 - i * 24, text)

    pdf.setFillColor(red)
    pdf.rect(0, 0, width, 56, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, 22, "工会是职工之家\u3000工友")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
