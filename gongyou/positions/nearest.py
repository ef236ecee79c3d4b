"""Exact nearest-neighbour distances for many query points at once (coverage: a million worker
points against thousands of stations), with numpy only.

Points are projected to local metres (equirectangular around the data's mean latitude); east-west
differences are then rescaled by each query's own latitude, which makes the comparison good to a
few hundredths of a percent instead of the projection's fraction of a percent (enough to pick the
wrong one of two near-equal stations). Stations are bucketed in a square grid. A query looks at
the 3×3 block of cells around it: if the best station found is no farther than one cell side it
is the true nearest (anything outside the block is at least a side away). Unresolved queries go
round again with cells four times larger; the last few fall back to brute force. Reported
distances are recomputed with the haversine formula for the station found.
"""

from __future__ import annotations

import numpy as np

from gongyou.core.geo import EARTH_RADIUS_M, haversine_m

_SHIFT = np.int64(1 << 32)
BRUTE_FORCE_PAIRS = 4_000_000


def project(lng: np.ndarray, lat: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    k = EARTH_RADIUS_M * np.pi / 180
    return np.asarray(lng, dtype=np.float64) * k * np.cos(np.radians(lat0)), np.asarray(lat, dtype=np.float64) * k


def unproject(x: np.ndarray, y: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    k = EARTH_RADIUS_M * np.pi / 180
    return x / (k * np.cos(np.radians(lat0))), y / k


def _brute(qx: np.ndarray, qy: np.ndarray, qc: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    out = np.empty(qx.size, dtype=np.int64)
    step = max(1, BRUTE_FORCE_PAIRS // max(sx.size, 1))
    for start in range(0, qx.size, step):
        window = slice(start, start + step)
        d2 = (qc[window, None] * (qx[window, None] - sx[None, :])) ** 2 + (qy[window, None] - sy[None, :]) ** 2
        out[start : start + step] = np.argmin(d2, axis=1)
    return out


def _grid_pass(
    qx: np.ndarray, qy: np.ndarray, qc: np.ndarray, sx: np.ndarray, sy: np.ndarray, cell: float
) -> tuple[np.ndarray, np.ndarray]:
    skey = np.floor(sx / cell).astype(np.int64) * _SHIFT + np.floor(sy / cell).astype(np.int64)
    order = np.argsort(skey, kind="stable")
    skey, ox, oy = skey[order], sx[order], sy[order]
    qix, qiy = np.floor(qx / cell).astype(np.int64), np.floor(qy / cell).astype(np.int64)
    ucells, inverse = np.unique(qix * _SHIFT + qiy, return_inverse=True)
    best = np.full(qx.size, np.inf)
    best_idx = np.full(qx.size, -1, dtype=np.int64)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            neighbour = ucells + dx * _SHIFT + dy
            lo_u = np.searchsorted(skey, neighbour, "left")
            cnt_u = np.searchsorted(skey, neighbour, "right") - lo_u
            lo, cnt = lo_u[inverse], cnt_u[inverse]
            active = np.flatnonzero(cnt)
            j = 0
            while active.size:
                idx = lo[active] + j
                d2 = (qc[active] * (qx[active] - ox[idx])) ** 2 + (qy[active] - oy[idx]) ** 2
                better = d2 < best[active]
                best[active[better]] = d2[better]
                best_idx[active[better]] = order[idx[better]]
                j += 1
                active = active[cnt[active] > j]
    return np.sqrt(best), best_idx


def nearest_station(
    q_lng: np.ndarray, q_lat: np.ndarray, s_lng: np.ndarray, s_lat: np.ndarray, *, cell_m: float = 500.0
) -> tuple[np.ndarray, np.ndarray]:
    """(haversine distance in metres, station row) of each query point's nearest station.
    With no stations every distance is +inf and every row -1."""
    q_lng, q_lat = np.asarray(q_lng, dtype=np.float64), np.asarray(q_lat, dtype=np.float64)
    s_lng, s_lat = np.asarray(s_lng, dtype=np.float64), np.asarray(s_lat, dtype=np.float64)
    n = q_lng.size
    if s_lng.size == 0 or n == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    lat0 = float(np.mean(s_lat))
    qx, qy = project(q_lng, q_lat, lat0)
    sx, sy = project(s_lng, s_lat, lat0)
    # East-west scale at each query's latitude relative to the projection's.
    qc = np.cos(np.radians(q_lat)) / np.cos(np.radians(lat0))
    found = np.full(n, -1, dtype=np.int64)
    remaining = np.arange(n)
    cell = cell_m
    span = max(np.ptp(sx), np.ptp(sy), np.ptp(qx), np.ptp(qy), 1.0)
    while remaining.size:
        if remaining.size * s_lng.size <= BRUTE_FORCE_PAIRS or cell > 2 * span:
            found[remaining] = _brute(qx[remaining], qy[remaining], qc[remaining], sx, sy)
            break
        dist, idx = _grid_pass(qx[remaining], qy[remaining], qc[remaining], sx, sy, cell)
        # Anything outside the 3×3 block is at least a cell away in projected units, which is
        # `qc` cells in rescaled east-west metres.
        resolved = dist <= cell * np.minimum(qc[remaining], 1.0)
        found[remaining[resolved]] = idx[resolved]
        remaining = remaining[~resolved]
        cell *= 4
    return haversine_m(q_lng, q_lat, s_lng[found], s_lat[found]), found
