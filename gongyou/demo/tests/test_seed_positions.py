"""The demo seed: ≥ 1,000 relay stations and ≥ 100 other positions, marked demo, inside
Shanghai, managed by street federations, approximate street points; idempotent."""

from __future__ import annotations

import csv

from django.core.management import call_command

from gongyou.core.actors import COMMAND
from gongyou.core.models import Region
from gongyou.demo.positions import POSITIONS, STREET_POINTS
from gongyou.positions.index import get_index
from gongyou.positions.models import PublicHoliday, ServicePosition
from gongyou.positions.services import set_street_point


def test_committed_demo_points_meet_the_issue():
    with POSITIONS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    relay = [r for r in rows if r["kind"] == "relay_station"]
    assert len(relay) >= 1000 and len(rows) - len(relay) >= 100
    assert all("示例" in r["name"] for r in rows)
    for r in rows:  # WGS-84 inside Shanghai's bounding box
        assert 120.85 < float(r["lng"]) < 122.2 and 30.65 < float(r["lat"]) < 31.9
    with STREET_POINTS.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 215


def test_seed_positions_is_idempotent_and_keeps_surveyed_points(world):
    surveyed = Region.objects.get(code="310101013")
    set_street_point(surveyed, 121.49, 31.24, approximate=False, actor=COMMAND)
    call_command("seed_positions")
    count = ServicePosition.objects.count()
    assert count >= 1100 and ServicePosition.objects.filter(is_demo=True).count() == count
    assert PublicHoliday.objects.filter(date="2026-10-01").exists()
    xujiahui = ServicePosition.objects.filter(street=world.street).first()
    assert xujiahui.org == world.street_fed  # the street federation manages its streets' positions
    assert Region.objects.filter(level="street", approximate=True).count() == 214
    surveyed.refresh_from_db()
    assert (surveyed.lng, surveyed.lat, surveyed.approximate) == (121.49, 31.24, False)
    call_command("seed_positions")
    assert ServicePosition.objects.count() == count
    assert len(get_index()) == ServicePosition.objects.exclude(status="retired").count()


def test_demo_points_lie_inside_their_own_district():
    """Checked against the district boundaries in ../shared/data when that file is present (it
    is not shipped: no stated licence). GCJ-02 there, so points are converted first."""
    import json
    from pathlib import Path

    import pytest

    from gongyou.core.geo import wgs84_to_gcj02
    from gongyou.demo.generate_positions import DEFAULT_GEOJSON, inside

    if not Path(DEFAULT_GEOJSON).exists():
        pytest.skip(f"{DEFAULT_GEOJSON} not present")
    features = json.loads(Path(DEFAULT_GEOJSON).read_text(encoding="utf-8"))["features"]
    boundaries = {f["properties"]["code"]: f["geometry"]["coordinates"] for f in features}
    with POSITIONS.open(encoding="utf-8") as handle:
        points = [(r["street"], r["lng"], r["lat"]) for r in csv.DictReader(handle)]
    with STREET_POINTS.open(encoding="utf-8") as handle:
        points += [(r["code"], r["lng"], r["lat"]) for r in csv.DictReader(handle)]
    outside = [
        code for code, lng, lat in points if not inside(*wgs84_to_gcj02(float(lng), float(lat)), boundaries[code[:6]])
    ]
    assert not outside, outside[:10]
