"""Coverage and blind spots (seed §二(二)7 全域覆盖): where workers are and how far the nearest
open relay station is, so the federation knows where the next station should go.

By street: workers = distinct people on an active roster row in the street or holding an open
membership with the street as work street. Distance is measured from where those workers are: a
worker whose delivery station has a known location counts at that station (weighted by the
station's workers), the others at the street's reference point. A street is a blind spot when it
has workers, no open relay station inside it, and its workers are on average farther than the
radius from one; a street with an open relay station inside it is never a blind spot, however
rough its reference point. The worker counts are read from the latest `WorkerCount` (the
`count_workers` job recounts the city every ten minutes) and counted live only before it first
ran. By grid cell: when finer worker locations exist (e.g. points from a
platform), `grid_coverage` counts per cell the workers with no station within the radius.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from gongyou.core.models import Region, Station
from gongyou.core.shared_counts import shared
from gongyou.members.models import Membership, Person, RosterEntry
from gongyou.positions.models import ServicePosition, WorkerCount
from gongyou.positions.nearest import nearest_station, project, unproject
from gongyou.positions.vocab import Kind, Status

T = TypeVar("T")


def default_radius_m() -> int:
    return int(getattr(settings, "GONGYOU_BLIND_SPOT_RADIUS_M", 1000))


@dataclass
class StreetCoverage:
    street: Region
    workers: int
    roster_workers: int
    members: int
    positions: int
    relay_stations: int
    nearest_relay_m: float | None
    radius_m: int
    # Workers placed at their station's known location (the rest at the street point, if any).
    located_workers: int = 0
    # Workers (at their station, else at the street point) with no open relay station in reach.
    uncovered_workers: int = 0

    @property
    def blind(self) -> bool:
        if self.workers == 0 or self.relay_stations > 0:
            return False
        return self.nearest_relay_m is None or self.nearest_relay_m > self.radius_m

    @property
    def method(self) -> str:
        """How the distance was measured: "stations", "mixed", "street_point" or "unknown"."""
        if self.workers and self.located_workers >= self.workers:
            return "stations"
        if self.located_workers:
            return "mixed" if self.street.lng is not None else "stations"
        return "street_point" if self.street.lng is not None else "unknown"


Groups = list[tuple[int, int | None, int]]


def _cached(key: str, street_ids: list[int], compute: Callable[[], T]) -> T:
    """Before the first `count_workers` run, the live counts are shared for
    GONGYOU_COVERAGE_SECONDS (the page says so)."""
    return shared(f"coverage-{key}", sorted(street_ids), settings.GONGYOU["COVERAGE_SECONDS"], compute)


def _all_streets(street_ids: list[int]) -> bool:
    return len(street_ids) >= Region.objects.filter(level=Region.Level.STREET).count()


def _count_groups(street_ids: list[int] | None) -> Groups:
    """(street, station or None, distinct workers) over the roster ∪ open memberships of the
    streets (None: the whole city). A person counted in a street by both a roster row and a
    membership counts once, at the station either source names."""
    roster_t, person_t, member_t = RosterEntry._meta.db_table, Person._meta.db_table, Membership._meta.db_table
    statuses = list(Membership.OPEN_STATUSES)
    marks = ", ".join(["%s"] * len(statuses))
    # A street officer's few streets are read through the street indexes, not the whole city.
    everywhere = street_ids is None or _all_streets(street_ids)
    ids = street_ids or []
    in_streets = ", ".join(["%s"] * len(ids)) or "NULL"
    roster_where, person_where = ("", "") if everywhere else (
        f" AND r.street_id IN ({in_streets})", f" AND p.work_street_id IN ({in_streets})"
    )  # fmt: skip
    sql = f"""
        SELECT street_id, station_id, COUNT(*) FROM (
            SELECT street_id, id_hash, MAX(station_id) AS station_id FROM (
                SELECT r.street_id AS street_id, r.station_id AS station_id, r.id_hash AS id_hash
                FROM {roster_t} r WHERE r.active = %s{roster_where}
                UNION
                SELECT p.work_street_id, p.station_id, p.id_hash FROM {person_t} p
                JOIN {member_t} m ON m.person_id = p.id WHERE m.status IN ({marks}){person_where}
            ) u GROUP BY street_id, id_hash
        ) w GROUP BY street_id, station_id
    """  # noqa: S608 (table names from model metadata, values are parameters)
    params = [True] + ([] if everywhere else ids) + statuses + ([] if everywhere else ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(street, station, n) for street, station, n in cursor.fetchall() if street is not None]


def _count_sources(street_ids: list[int] | None) -> tuple[dict[int, int], dict[int, int]]:
    """(roster workers, members) per street (None: every street), each in one grouped query."""
    statuses = list(Membership.OPEN_STATUSES)
    roster_qs = RosterEntry.objects.filter(active=True)
    member_qs = Membership.objects.filter(status__in=statuses)
    if street_ids is not None:
        roster_qs = roster_qs.filter(street_id__in=street_ids)
        member_qs = member_qs.filter(person__work_street_id__in=street_ids)
    roster = dict(
        roster_qs.order_by()
        .values("street_id")
        .annotate(n=Count("id_hash", distinct=True))
        .values_list("street_id", "n")
    )
    members = dict(
        member_qs.order_by()
        .values("person__work_street_id")
        .annotate(n=Count("id"))
        .values_list("person__work_street_id", "n")
    )
    roster.pop(None, None)  # type: ignore[call-overload]
    members.pop(None, None)  # type: ignore[call-overload]
    return roster, members


def count_workers() -> WorkerCount:
    """Count the whole city now and keep it as the only WorkerCount (the scheduled job; a rerun
    just counts again)."""
    groups = _count_groups(None)
    roster, members = _count_sources(None)
    with transaction.atomic():
        WorkerCount.objects.all().delete()
        return WorkerCount.objects.create(
            counted_at=timezone.now(),
            groups=[list(g) for g in groups],
            roster_workers={str(k): v for k, v in roster.items()},
            members={str(k): v for k, v in members.items()},
        )


def latest_count() -> WorkerCount | None:
    return WorkerCount.objects.order_by("-counted_at").first()


def _worker_groups(street_ids: list[int], stored: WorkerCount | None) -> Groups:
    if stored is not None:
        wanted = set(street_ids)
        return [(street, station, n) for street, station, n in stored.groups if street in wanted]
    return _cached("groups", street_ids, lambda: _count_groups(street_ids))


def _source_counts(street_ids: list[int], stored: WorkerCount | None) -> tuple[dict[int, int], dict[int, int]]:
    if stored is not None:
        wanted = {str(pk): pk for pk in street_ids}
        return (
            {wanted[k]: n for k, n in stored.roster_workers.items() if k in wanted},
            {wanted[k]: n for k, n in stored.members.items() if k in wanted},
        )
    return _cached("sources", street_ids, lambda: _count_sources(street_ids))


def street_coverage(
    streets: Iterable[Region], *, radius_m: int | None = None, stored: WorkerCount | None = None
) -> list[StreetCoverage]:
    """Coverage of the given streets, blind spots first (most uncovered workers first among them).
    `stored`: the worker counts to use (default: the latest `WorkerCount`, else live)."""
    radius = radius_m or default_radius_m()
    streets = list(streets)
    by_id = {s.pk: s for s in streets}
    stored = stored or latest_count()
    roster, members = _source_counts(list(by_id), stored)
    open_positions = ServicePosition.objects.filter(status=Status.OPEN)
    per_street = dict(
        open_positions.filter(street_id__in=by_id)
        .values("street_id")
        .annotate(n=Count("id"))
        .values_list("street_id", "n")
    )
    relay_per_street = dict(
        open_positions.filter(street_id__in=by_id, kind=Kind.RELAY_STATION)
        .values("street_id")
        .annotate(n=Count("id"))
        .values_list("street_id", "n")
    )
    relay = np.array(
        list(open_positions.filter(kind=Kind.RELAY_STATION).values_list("lng", "lat")), dtype=np.float64
    ).reshape(-1, 2)
    groups = [g for g in _worker_groups(list(by_id), stored) if g[0] in by_id]
    station_ids = {station for _street, station, _n in groups if station is not None}
    located_stations: dict[int, tuple[float, float]] = {}
    for pk, lng, lat in Station.objects.filter(pk__in=station_ids).values_list("pk", "lng", "lat"):
        if lng is not None and lat is not None:
            located_stations[pk] = (lng, lat)
    # One point per (street, where its workers are), weighted by workers; a street with no
    # workers still gets its reference point, for the distance column.
    points: list[tuple[int, float, float, int, bool]] = []  # street, lng, lat, workers, at a station
    workers: dict[int, int] = defaultdict(int)
    for street_id, station_id, n in groups:
        workers[street_id] += n
        street = by_id[street_id]
        if station_id in located_stations:
            points.append((street_id, *located_stations[station_id], n, True))
        elif street.lng is not None and street.lat is not None:
            points.append((street_id, street.lng, street.lat, n, False))
    for s in streets:
        if not workers.get(s.pk) and s.lng is not None and s.lat is not None:
            points.append((s.pk, s.lng, s.lat, 0, False))
    dist, _ = nearest_station(
        np.array([p[1] for p in points]), np.array([p[2] for p in points]), relay[:, 0], relay[:, 1]
    )
    weighted: dict[int, float] = defaultdict(float)
    weight: dict[int, int] = defaultdict(int)
    located: dict[int, int] = defaultdict(int)
    uncovered: dict[int, int] = defaultdict(int)
    nearest: dict[int, float | None] = {}
    for (street_id, _lng, _lat, n, at_station), d in zip(points, dist, strict=True):
        far = not np.isfinite(d)
        if n == 0:
            nearest[street_id] = None if far else float(d)
            continue
        located[street_id] += n if at_station else 0
        uncovered[street_id] += n if far or d > radius else 0
        if far:
            nearest[street_id] = None
        elif nearest.get(street_id, 0.0) is not None:
            weighted[street_id] += float(d) * n
            weight[street_id] += n
            nearest[street_id] = weighted[street_id] / weight[street_id]
    rows = [
        StreetCoverage(
            street=s,
            workers=workers.get(s.pk, 0),
            roster_workers=roster.get(s.pk, 0),
            members=members.get(s.pk, 0),
            positions=per_street.get(s.pk, 0),
            relay_stations=relay_per_street.get(s.pk, 0),
            nearest_relay_m=nearest.get(s.pk),
            radius_m=radius,
            located_workers=located.get(s.pk, 0),
            uncovered_workers=uncovered.get(s.pk, 0),
        )
        for s in streets
    ]
    rows.sort(key=lambda r: (not r.blind, -r.uncovered_workers, -r.workers, -(r.nearest_relay_m or 0), r.street.code))
    return rows


@dataclass
class GridCoverage:
    """Per grid cell: centre (WGS-84), workers, workers with no station within the radius and
    the smallest worker-to-station distance in the cell."""

    lng: np.ndarray
    lat: np.ndarray
    workers: np.ndarray
    uncovered: np.ndarray
    nearest_m: np.ndarray
    worker_distance_m: np.ndarray

    def blind_spots(self, *, top: int = 50, min_workers: int = 1) -> list[dict[str, float]]:
        """Cells ranked by workers without a station in reach, most first."""
        order = np.lexsort((-self.workers, -self.uncovered))
        out = []
        for i in order:
            if self.uncovered[i] < min_workers:
                break
            out.append(
                {
                    "lng": float(self.lng[i]),
                    "lat": float(self.lat[i]),
                    "workers": int(self.workers[i]),
                    "uncovered": int(self.uncovered[i]),
                    "nearest_m": float(self.nearest_m[i]),
                }
            )
            if len(out) == top:
                break
        return out


def grid_coverage(
    worker_lng: np.ndarray,
    worker_lat: np.ndarray,
    station_lng: np.ndarray,
    station_lat: np.ndarray,
    *,
    cell_m: float = 500.0,
    radius_m: float = 1000.0,
) -> GridCoverage:
    worker_lng, worker_lat = np.asarray(worker_lng, dtype=np.float64), np.asarray(worker_lat, dtype=np.float64)
    dist, _ = nearest_station(worker_lng, worker_lat, station_lng, station_lat)
    lat0 = float(np.mean(worker_lat)) if worker_lat.size else 31.2
    x, y = project(worker_lng, worker_lat, lat0)
    ix, iy = np.floor(x / cell_m).astype(np.int64), np.floor(y / cell_m).astype(np.int64)
    iy0 = int(iy.min()) if iy.size else 0  # keeps the packed key's low half non-negative
    cells, inverse, counts = np.unique(ix * np.int64(1 << 32) + (iy - iy0), return_inverse=True, return_counts=True)
    uncovered = np.bincount(inverse, weights=(dist > radius_m), minlength=cells.size).astype(np.int64)
    nearest = np.full(cells.size, np.inf)
    np.minimum.at(nearest, inverse, dist)
    cx = (np.floor_divide(cells, np.int64(1 << 32)) + 0.5) * cell_m
    cy = (cells - np.floor_divide(cells, np.int64(1 << 32)) * np.int64(1 << 32) + iy0 + 0.5) * cell_m
    lng, lat = unproject(cx, cy, lat0)
    return GridCoverage(
        lng=lng, lat=lat, workers=counts, uncovered=uncovered, nearest_m=nearest, worker_distance_m=dist
    )
