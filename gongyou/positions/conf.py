"""Map settings the positions pages read (operators set them in settings; defaults need no key).

GONGYOU_MAP_TILE_URL / _ATTRIBUTION / _SUBDOMAINS: the tile source. GONGYOU_MAP_TILE_CRS says
which coordinate system the tiles are drawn in: "wgs84" (OpenStreetMap and most of the world)
or "gcj02" (AMap, Tencent: Chinese providers); markers are converted to match, so they land on
the right street either way. AMap-style example:
  GONGYOU_MAP_TILE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
  GONGYOU_MAP_TILE_SUBDOMAINS = "1234"; GONGYOU_MAP_TILE_CRS = "gcj02"
GONGYOU_MAP_GEOCODER_URL: the tile provider's address search, "{q}" standing for the query, its
answers in the tiles' system (Nominatim-style JSON arrays, AMap geocode or POI answers), e.g.
  "https://restapi.amap.com/v3/geocode/geo?key=…&city=上海&address={q}"; empty: no search box.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

OSM_TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = gettext_noop("© OpenStreetMap 贡献者")


def map_config() -> dict[str, str]:
    crs = str(getattr(settings, "GONGYOU_MAP_TILE_CRS", "wgs84")).lower()
    return {
        "tiles": str(getattr(settings, "GONGYOU_MAP_TILE_URL", OSM_TILES)),
        # The default credit (settings.py uses the same words) is shown in the page's language;
        # an operator's own text is not in the catalogue and passes through unchanged.
        "attribution": gettext(str(getattr(settings, "GONGYOU_MAP_TILE_ATTRIBUTION", OSM_ATTRIBUTION))),
        "subdomains": str(getattr(settings, "GONGYOU_MAP_TILE_SUBDOMAINS", "abc")),
        "crs": crs if crs in ("wgs84", "gcj02") else "wgs84",
        "geocoder": str(getattr(settings, "GONGYOU_MAP_GEOCODER_URL", "") or ""),
    }
