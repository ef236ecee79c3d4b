"""Load the committed demo points (see generate.py): approximate street reference points and
demo positions, each managed by its street's federation (or the district's, or the city's)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from gongyou.core.actors import Actor
from gongyou.core.models import Org, Region
from gongyou.positions import services
from gongyou.positions.hours import parse_hours
from gongyou.positions.inputs import CleanPosition

HERE = Path(__file__).resolve().parent
STREET_POINTS = HERE / "data" / "street_points.csv"
POSITIONS = HERE / "data" / "positions.csv"
HOLIDAYS = HERE.parent / "positions" / "data" / "public_holidays.csv"


@dataclass
class DemoReport:
    street_points: int = 0
    positions: int = 0
    holidays: int = 0
    skipped_no_org: int = 0


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _managers() -> tuple[dict[int, Org], dict[int, Org], Org | None]:
    """Managing org per street: its street federation, else its district's, else the city's."""
    active = Org.objects.filter(status=Org.Status.ACTIVE).order_by("id")
    by_street = {o.region_id: o for o in active.filter(kind=Org.Kind.STREET_FEDERATION).order_by("-id")}
    by_district = {o.region_id: o for o in active.filter(kind=Org.Kind.DISTRICT_FEDERATION).order_by("-id")}
    city = active.filter(kind=Org.Kind.CITY_FEDERATION).first()
    return by_street, by_district, city


def seed_positions(*, actor: Actor) -> DemoReport:
    report = DemoReport()
    report.holidays = services.load_public_holidays(_read(HOLIDAYS), actor=actor)
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    for row in _read(STREET_POINTS):
        street = streets.get(row["code"])
        # A surveyed point (approximate=False) is never overwritten by a demo one.
        if street is None or (street.lng is not None and not street.approximate):
            continue
        lng, lat = float(row["lng"]), float(row["lat"])
        if (street.lng, street.lat, street.approximate) != (lng, lat, True):
            services.set_street_point(street, lng, lat, approximate=True, actor=actor)
            report.street_points += 1
    by_street, by_district, city = _managers()
    items: list[tuple[str, CleanPosition]] = []
    for row in _read(POSITIONS):
        street = streets.get(row["street"])
        if street is None:
            continue
        org = by_street.get(street.pk) or by_district.get(street.parent_id or 0) or city
        if org is None:
            report.skipped_no_org += 1
            continue
        items.append(
            (
                row["code"],
                CleanPosition(
                    code=row["code"],
                    name=row["name"],
                    kind=row["kind"],
                    org=org,
                    street=street,
                    address=row["address"],
                    lng=float(row["lng"]),
                    lat=float(row["lat"]),
                    weekly_hours=parse_hours(row["weekly_hours"]) if row["weekly_hours"] else {},
                    open_24h=row["open_24h"] == "1",
                    closed_on_holidays=row["closed_on_holidays"] == "1",
                    amenities=[a for a in row["amenities"].split("|") if a],
                    contact_phone="",
                    status=row["status"],
                    note="示例数据，非真实阵地",
                ),
            )
        )
    report.positions = services.bulk_create_positions(items, actor=actor, is_demo=True)
    return report
