"""Small display helpers shared by the worker pages, staff pages and exports."""

from __future__ import annotations

from urllib.parse import quote

from django.utils.translation import gettext

from gongyou.core.geo import wgs84_to_gcj02
from gongyou.positions.conf import map_config
from gongyou.positions.vocab import AMENITY_GLYPH, Amenity


def distance_text(metres: float) -> str:
    if metres < 1000:
        return gettext("%(n)s 米") % {"n": f"{round(metres / 10) * 10:.0f}"}
    return gettext("%(n)s 公里") % {"n": f"{metres / 1000:.1f}"}


def amenity_icons(codes: list[str] | tuple[str, ...]) -> list[dict[str, str]]:
    labels = dict(Amenity.choices)
    return [{"code": c, "label": str(labels.get(c, c)), "glyph": str(AMENITY_GLYPH.get(c, "·"))} for c in codes]


def map_point(lng: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point in the tile source's system, for plotting."""
    if map_config()["crs"] == "gcj02":
        lng, lat = wgs84_to_gcj02(lng, lat)
    return round(lng, 6), round(lat, 6)


def navigation_links(name: str, lng: float, lat: float) -> dict[str, str]:
    """AMap wants GCJ-02 (coordinate=gaode); geo: URIs are WGS-84 (RFC 5870)."""
    g_lng, g_lat = wgs84_to_gcj02(lng, lat)
    return {
        "amap": f"https://uri.amap.com/marker?position={g_lng:.6f},{g_lat:.6f}&name={quote(name)}&coordinate=gaode&callnative=1",
        "geo": f"geo:{lat:.6f},{lng:.6f}?q={lat:.6f},{lng:.6f}({quote(name)})",
    }
