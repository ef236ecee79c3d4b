"""Read-only questions about positions that pages ask: a position's usage, whether it is open now,
the streets a worker can pick, the open relay stations around a set of streets, the nearest hits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Avg, Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from gongyou.core.geo import gcj02_to_wgs84
from gongyou.core.models import Region
from gongyou.positions.hours import is_open_at
from gongyou.positions.index import Hit, get_index
from gongyou.positions.inputs import DEFAULT_LIMIT, NearbyParams
from gongyou.positions.models import PublicHoliday, ServicePosition
from gongyou.positions.vocab import Kind, Status


def position_usage(position: ServicePosition) -> dict[str, Any]:
    """Check-ins per day (last 14 days) and per week (last 8 weeks), the peak, and the rating."""
    today = timezone.localdate()
    since = today - dt.timedelta(days=7 * 8 - 1 + today.weekday())
    per_day = dict(
        position.checkins.filter(at__date__gte=since)
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = [(today - dt.timedelta(days=i), per_day.get(today - dt.timedelta(days=i), 0)) for i in range(13, -1, -1)]
    weeks = []
    for w in range(7, -1, -1):
        start = today - dt.timedelta(days=today.weekday() + 7 * w)
        weeks.append((start, sum(n for d, n in per_day.items() if start <= d < start + dt.timedelta(days=7))))
    peak = max([n for _d, n in days] + [n for _w, n in weeks] + [1])
    rating = position.feedback.filter(score__isnull=False).aggregate(avg=Avg("score"), n=Count("id"))
    return {"days": days, "weeks": weeks, "peak": peak, "rating": rating}


def is_open_now(position: ServicePosition) -> bool:
    if position.status != Status.OPEN:
        return False
    holidays = set(
        PublicHoliday.objects.filter(workday=False, date__gte=timezone.localdate() - dt.timedelta(days=1)).values_list(
            "date", flat=True
        )[:10]
    )
    return is_open_at(
        position.weekly_hours,
        timezone.localtime().replace(tzinfo=None),
        open_24h=position.open_24h,
        closed_on_holidays=position.closed_on_holidays,
        holidays=holidays,
    )


def located_streets_by_district() -> list[tuple[str, list[Region]]]:
    """Streets with a reference point, grouped by district name (the worker's street picker)."""
    groups: dict[str, list[Region]] = {}
    for street in Region.objects.filter(level=Region.Level.STREET, lng__isnull=False).select_related("parent"):
        groups.setdefault(street.parent.name if street.parent else "", []).append(street)
    return list(groups.items())


def located_street(code: str) -> Region | None:
    street = Region.objects.filter(code=code, level=Region.Level.STREET, lng__isnull=False).first()
    return street if street is not None and street.lng is not None and street.lat is not None else None


def open_relay_points(streets: Iterable[Region]) -> list[tuple[float, float]]:
    """(lng, lat) in WGS-84 of the open relay stations in the districts of these streets."""
    district_ids = {s.parent_id for s in streets}
    relay = ServicePosition.objects.filter(
        status=Status.OPEN, kind=Kind.RELAY_STATION, street__parent_id__in=district_ids
    )
    return list(relay.values_list("lng", "lat"))


def nearest_hits(params: NearbyParams, lng: float, lat: float, *, radius_m: int | None = None) -> list[Hit]:
    """The nearest positions to a WGS-84 point, filtered as the cleaned parameters say."""
    return get_index().nearest(
        lng,
        lat,
        limit=params.limit or DEFAULT_LIMIT,
        radius_m=radius_m,
        amenities=params.amenities,
        open_now=params.open_now,
        kinds=params.kinds,
    )


def wgs84_point(params: NearbyParams) -> tuple[float, float]:
    """The query point in WGS-84, whatever crs it came in."""
    return gcj02_to_wgs84(params.lng, params.lat) if params.crs == "gcj02" else (params.lng, params.lat)
