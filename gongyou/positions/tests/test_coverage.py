"""Coverage: workers per street (roster ∪ members, each person once), distance from the street
point to the nearest open relay station, blind spots, surveyed street points and grid cells."""

from __future__ import annotations

import numpy as np
import pytest

from gongyou.core.geo import haversine_m
from gongyou.positions.coverage import grid_coverage, street_coverage


def test_workers_positions_and_distance_per_street(world, workforce, make_position):
    make_position(name="近站", lng="121.4380", lat="31.1950")
    make_position(name="暂停站", lng="121.4501", lat="31.2151", status="temporarily_closed")
    make_position(
        name="健康点",
        kind="health_point",
        lng="121.4502",
        lat="31.2152",
        street=world.other_street,
        org=world.other_street_fed,
    )
    rows = {r.street.code: r for r in street_coverage([world.street, world.other_street], radius_m=1000)}
    here, there = rows[world.street.code], rows[world.other_street.code]
    assert (here.workers, here.members, here.roster_workers) == (5, 3, 3)
    assert here.relay_stations == 1 and here.positions == 1
    assert here.nearest_relay_m == pytest.approx(haversine_m(121.437, 31.195, 121.438, 31.195), abs=0.5)
    assert not here.blind
    # Only a closed relay station and a health point there: the nearest open relay station is far.
    assert (there.workers, there.relay_stations, there.positions) == (1, 0, 1)
    assert there.nearest_relay_m > 1000 and there.blind


def test_blind_spots_come_first_most_workers_first(world, workforce, make_position):
    make_position(name="近站", lng="121.4380", lat="31.1950")
    rows = street_coverage([world.street, world.other_street], radius_m=1000)
    assert rows[0].street == world.other_street and rows[0].blind
    rows = street_coverage([world.street, world.other_street], radius_m=10_000)
    assert not any(r.blind for r in rows)
    assert rows[0].street == world.street  # then by workers


def test_grid_coverage_counts_uncovered_workers_per_cell():
    # Two stations; 30 workers next to the first, 20 workers 5 km from both.
    stations = np.array([121.40, 121.50]), np.array([31.20, 31.20])
    rng = np.random.default_rng(1)
    lng = np.concatenate([121.40 + rng.normal(0, 0.0005, 30), np.full(20, 121.45)])
    lat = np.concatenate([31.20 + rng.normal(0, 0.0005, 30), np.full(20, 31.25)])
    grid = grid_coverage(lng, lat, *stations, cell_m=500, radius_m=1000)
    assert grid.workers.sum() == 50 and grid.uncovered.sum() == 20
    spots = grid.blind_spots(top=5)
    assert spots[0]["uncovered"] == 20 and spots[0]["workers"] == 20
    assert haversine_m(spots[0]["lng"], spots[0]["lat"], 121.45, 31.25) < 400
    assert len(spots) == 1
