"""Coordinates: WGS-84 (GPS, stored) ↔ GCJ-02 (the offset system Chinese map providers use).

The forward transform is the widely published GCJ-02 formula (Krasovsky ellipsoid constants).
The inverse has no closed form; it is found by fixed-point iteration, which converges to well
under a millimetre in a few steps. Points outside mainland China are not shifted.
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323
EARTH_RADIUS_M = 6371008.8


# GCJ-02 applies to mainland China only. A single bounding rectangle would also shift Seoul,
# Hanoi or Ulaanbaatar, so the area is a union of rectangles minus a few exclusions (the widely
# used region table of the open-source GCJ-02 converters). (north, west, south, east).
_REGION = (
    (49.220400, 79.446200, 42.889900, 96.330000),
    (54.141500, 109.687200, 39.374200, 135.000200),
    (42.889900, 73.124600, 29.529700, 124.143255),
    (29.529700, 82.968400, 26.718600, 97.035200),
    (29.529700, 97.025300, 20.414096, 124.367395),
    (20.414096, 107.975793, 17.871542, 111.744104),
)
_EXCLUDE = (
    (25.398623, 119.921265, 21.785006, 122.497559),  # Taiwan
    (22.284000, 101.865200, 20.098800, 106.665000),  # northern Vietnam, Laos
    (21.542200, 106.452500, 20.487800, 108.051000),  # northern Vietnam coast
    (55.817500, 109.032300, 50.325700, 119.127000),  # Mongolia, Russia
    (55.817500, 127.456800, 49.557400, 137.022700),  # Russia
    (44.892200, 131.266200, 42.569200, 137.022700),  # Russia (Vladivostok)
)


def _inside(rect: tuple[float, float, float, float], lng: float, lat: float) -> bool:
    north, west, south, east = rect
    return south <= lat <= north and west <= lng <= east


def out_of_china(lng: float, lat: float) -> bool:
    if not any(_inside(r, lng, lat) for r in _REGION):
        return True
    return any(_inside(r, lng, lat) for r in _EXCLUDE)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _delta(lng: float, lat: float) -> tuple[float, float]:
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def _shift(lng: float, lat: float) -> tuple[float, float]:
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    return _shift(lng, lat)


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    # Invert the shift by fixed-point iteration, then ask the question about the *WGS-84* point
    # (the forward transform's domain): a point that lands outside China was never shifted.
    # The shift is under 0.1°: a point farther than that from China was never shifted either,
    # and far from it (near a pole) the iteration diverges into a math domain error.
    if not any(_inside((n + 0.1, w - 0.1, s - 0.1, e + 0.1), lng, lat) for n, w, s, e in _REGION):
        return lng, lat
    wlng, wlat = lng, lat
    for _ in range(30):
        glng, glat = _shift(wlng, wlat)
        elng, elat = glng - lng, glat - lat
        wlng, wlat = wlng - elng, wlat - elat
        if abs(elng) < 1e-10 and abs(elat) < 1e-10:
            break
    if out_of_china(wlng, wlat):
        return lng, lat
    return wlng, wlat


# The one haversine: scalars (a check-in's distance, tests) and numpy arrays (the positions index,
# coverage's nearest station) go through the same formula.


@overload
def haversine_rad(
    lng1: float, lat1: float, lng2: float, lat2: float, *, cos_lat1: float | None = None, cos_lat2: float | None = None
) -> float: ...
@overload
def haversine_rad(
    lng1: float | np.ndarray,
    lat1: float | np.ndarray,
    lng2: np.ndarray,
    lat2: np.ndarray,
    *,
    cos_lat1: float | np.ndarray | None = None,
    cos_lat2: np.ndarray | None = None,
) -> np.ndarray: ...
def haversine_rad(
    lng1: float | np.ndarray,
    lat1: float | np.ndarray,
    lng2: float | np.ndarray,
    lat2: float | np.ndarray,
    *,
    cos_lat1: float | np.ndarray | None = None,
    cos_lat2: float | np.ndarray | None = None,
) -> float | np.ndarray:
    """Great-circle distance in metres between points given in radians (floats or arrays, which
    broadcast). A caller holding many fixed points passes their cosines, computed once."""
    c1 = np.cos(lat1) if cos_lat1 is None else cos_lat1
    c2 = np.cos(lat2) if cos_lat2 is None else cos_lat2
    h = np.sin((lat2 - lat1) / 2) ** 2 + c1 * c2 * np.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))  # type: ignore[no-any-return]


@overload
def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float: ...
@overload
def haversine_m(lng1: np.ndarray, lat1: np.ndarray, lng2: np.ndarray, lat2: np.ndarray) -> np.ndarray: ...
def haversine_m(
    lng1: float | np.ndarray, lat1: float | np.ndarray, lng2: float | np.ndarray, lat2: float | np.ndarray
) -> float | np.ndarray:
    """Great-circle distance in metres between points given in degrees (WGS-84)."""
    return haversine_rad(np.radians(lng1), np.radians(lat1), np.radians(lng2), np.radians(lat2))
