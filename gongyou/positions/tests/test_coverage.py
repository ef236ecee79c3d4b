"""Coverage: workers per street (roster ∪ members, each person once), distance from the street
point to the nearest open relay station, blind spots, surveyed street points and grid cells."""

from __future__ import annotations

import numpy as np
import pytest

from gongyou.core.actors import COMMAND
from gongyou.core.geo import haversine_m
from gongyou.core.models import Station
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.roster import upsert_roster
from gongyou.members.services import join
from gongyou.positions.coverage import grid_coverage, street_coverage
from gongyou.positions.services import set_street_point


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


# Issue 7 part 2 item 12: distance from where the street's workers are, never blind with a station inside.


def roster_at_station(world, seqs, station_code="ST-001"):
    rows = [{**worker_data(seq), "external_id": f"S{seq}", "station_code": station_code} for seq in seqs]
    result = upsert_roster(world.agent, rows, actor=COMMAND)
    assert not result.rejected


def test_a_street_with_an_open_relay_station_inside_is_never_a_blind_spot(world, workforce, make_position):
    # The street's estimated point is ~10 km off, as a rough estimate can be; the station is in the street.
    set_street_point(world.street, 121.5400, 31.2500, approximate=True, actor=COMMAND)
    make_position(name="街内接力站", lng="121.4380", lat="31.1950")
    row = next(r for r in street_coverage([world.street], radius_m=1000) if r.street == world.street)
    assert row.workers > 0 and row.relay_stations == 1
    assert row.nearest_relay_m > 1000
    assert not row.blind


def test_distance_is_measured_from_the_workers_stations_weighted_by_workers(world, make_position):
    # One member at the street point (~2.6 km from the relay station), four riders at a station 50 m from it.
    set_street_point(world.street, 121.4370, 31.1950, approximate=True, actor=COMMAND)
    Station.objects.filter(pk=world.station.pk).update(lng=121.4500, lat=31.2150)
    make_position(
        name="邻街接力站", lng="121.4505", lat="31.2150", street=world.other_street, org=world.other_street_fed
    )
    join(clean_worker(worker_data(1)), channel="online", actor=COMMAND)
    roster_at_station(world, [31, 32, 33, 34])
    row = street_coverage([world.street], radius_m=1000)[0]
    from_station = haversine_m(121.45, 31.215, 121.4505, 31.215)
    from_point = haversine_m(121.437, 31.195, 121.4505, 31.215)
    assert (row.workers, row.located_workers, row.uncovered_workers) == (5, 4, 1)
    assert row.nearest_relay_m == pytest.approx((4 * from_station + from_point) / 5, rel=0.01)
    assert row.method == "mixed"
    assert not row.blind


def test_without_station_locations_the_street_point_is_used(world, make_position):
    set_street_point(world.street, 121.4370, 31.1950, approximate=True, actor=COMMAND)
    make_position(
        name="邻街接力站", lng="121.4505", lat="31.2150", street=world.other_street, org=world.other_street_fed
    )
    roster_at_station(world, [31, 32])
    row = street_coverage([world.street], radius_m=1000)[0]
    assert row.method == "street_point" and row.located_workers == 0
    assert row.nearest_relay_m == pytest.approx(haversine_m(121.437, 31.195, 121.4505, 31.215), rel=0.01)
    assert row.blind and row.uncovered_workers == 2


def test_blind_spots_rank_by_workers_out_of_reach(world, make_position):
    set_street_point(world.street, 121.4370, 31.1950, approximate=True, actor=COMMAND)
    set_street_point(world.other_street, 121.5000, 31.3000, approximate=True, actor=COMMAND)
    Station.objects.filter(pk=world.station.pk).update(lng=121.4370, lat=31.1950)
    make_position(
        name="远处接力站", lng="121.3000", lat="31.1000", street=world.other_street, org=world.other_street_fed
    )
    roster_at_station(world, [31, 32, 33])
    for seq in (41, 42):
        join(clean_worker(worker_data(seq, street_code=world.other_street.code)), channel="online", actor=COMMAND)
    # The other street has an open relay station inside (far away): never listed, whatever the distance.
    rows = street_coverage([world.street, world.other_street], radius_m=1000)
    assert [r.street for r in rows if r.blind] == [world.street]


def test_worker_counts_are_shared_for_a_while_and_read_only_the_streets_asked_for(world, workforce, settings):
    """GONGYOU_COVERAGE_SECONDS: the roster ∪ members counts of a set of streets are reused until
    they expire; a street officer's streets are counted by themselves (the other street's
    workers never enter), with the same figures as when the whole city is counted."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongyou.core.models import Region

    every = list(Region.objects.filter(level=Region.Level.STREET))
    city = {r.street.code: r.workers for r in street_coverage(every)}
    with CaptureQueriesContext(connection) as queries:
        mine = street_coverage([world.street])
    assert [(r.street.code, r.workers) for r in mine] == [(world.street.code, city[world.street.code])]
    grouped = [q["sql"] for q in queries.captured_queries if "UNION" in q["sql"]]
    assert len(grouped) == 1 and "street_id IN" in grouped[0]

    settings.GONGYOU = {**settings.GONGYOU, "COVERAGE_SECONDS": 600}
    assert street_coverage([world.street])[0].workers == 5
    join(clean_worker(worker_data(40)), channel="online", actor=COMMAND)
    assert street_coverage([world.street])[0].workers == 5  # within the ten minutes: not yet
    cache.clear()  # they are over
    assert street_coverage([world.street])[0].workers == 6


def test_the_scheduled_count_gives_the_live_figures_and_pages_read_it_until_the_next(world, workforce, make_position):
    """`count_workers` (every ten minutes) counts the whole city once; street_coverage then reads
    that count — the same figures as counting live, for any set of streets — and a join shows up
    at the next count, not before."""
    from gongyou.core import jobs
    from gongyou.core.models import Region
    from gongyou.core.schedule import discover
    from gongyou.positions import tasks
    from gongyou.positions.coverage import count_workers, latest_count
    from gongyou.positions.models import WorkerCount

    make_position(name="近站", lng="121.4380", lat="31.1950")
    every = list(Region.objects.filter(level=Region.Level.STREET))

    def figures(streets):
        return [
            (r.street.code, r.workers, r.roster_workers, r.members, r.located_workers, r.uncovered_workers, r.blind)
            for r in street_coverage(streets)
        ]

    live_city, live_mine = figures(every), figures([world.street])
    assert latest_count() is None
    count_workers()
    assert figures(every) == live_city and figures([world.street]) == live_mine
    join(clean_worker(worker_data(40)), channel="online", actor=COMMAND)
    assert figures([world.street]) == live_mine  # until the next count
    job = jobs.enqueue(tasks.count_workers)  # the job the schedule starts; a rerun replaces the count
    job.refresh_from_db()
    assert job.status == job.Status.SUCCEEDED, job.error
    assert WorkerCount.objects.count() == 1
    assert street_coverage([world.street])[0].workers == live_mine[0][1] + 1
    assert tasks.count_workers.module_path in discover()
