"""Coverage: workers per street (roster ∪ members, each person once), distance from the street
point to the nearest open relay station, blind spots, the page, the export, and grid cells."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from openpyxl import load_workbook

from gongyou.core.actors import COMMAND
from gongyou.core.geo import haversine_m
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.roster import upsert_roster
from gongyou.members.services import join
from gongyou.positions.coverage import grid_coverage, street_coverage
from gongyou.positions.services import import_street_points, set_street_point, street_rows_from_geojson


@pytest.fixture
def workforce(world):
    """徐家汇: 3 members + 2 roster-only workers + 1 member also on the roster (counted once);
    the other street: 2 roster workers, one of them inactive."""
    for seq in (1, 2, 3):
        join(clean_worker(worker_data(seq)), channel="online", actor=COMMAND)
    rows = [{**worker_data(seq), "external_id": f"E{seq}"} for seq in (3, 10, 11)]
    rows += [
        {**worker_data(seq, street_code=world.other_street.code), "external_id": f"E{seq}", "active": seq == 20}
        for seq in (20, 21)
    ]
    result = upsert_roster(world.platform, rows, actor=COMMAND)
    assert not result.rejected
    set_street_point(world.street, 121.4370, 31.1950, approximate=True, actor=COMMAND)
    set_street_point(world.other_street, 121.4500, 31.2150, approximate=True, actor=COMMAND)


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


def test_coverage_page_map_layer_and_export(client, world, personas, workforce, make_position):
    make_position(name="近站", lng="121.4380", lat="31.1950")
    client.force_login(personas["street"])  # a street-level officer sees their own street
    body = client.get("/stations/manage/coverage/").content.decode()
    layer = json.loads(body.split('id="cov-layer">')[1].split("</script>")[0])
    assert [s["name"] for s in layer["streets"]] == [world.street.full_name]
    client.force_login(personas["city"])
    body = client.get("/stations/manage/coverage/", {"radius_m": "1000"}).content.decode()
    layer = json.loads(body.split('id="cov-layer">')[1].split("</script>")[0])
    blind = [s for s in layer["streets"] if s["blind"]]
    assert [s["name"] for s in blind] == [world.other_street.full_name]
    assert layer["stations"]
    table = body.split('id="blind-spots"')[1].split("</table>")[0]
    assert world.other_street.name in table and world.street.name not in table
    export = client.get("/stations/manage/coverage/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("区", "街镇代码", "街镇", "劳动者")
    assert rows[1][1] == world.other_street.code and rows[1][3] == 1


def test_coverage_layer_follows_the_tile_crs(client, world, personas, workforce, make_position, settings):
    from gongyou.core.geo import wgs84_to_gcj02

    make_position(name="近站", lng="121.4380", lat="31.1950")
    client.force_login(personas["street"])
    for tile_crs in ("wgs84", "gcj02"):
        settings.GONGYOU_MAP_TILE_CRS = tile_crs
        body = client.get("/stations/manage/coverage/").content.decode()
        layer = json.loads(body.split('id="cov-layer">')[1].split("</script>")[0])
        street = wgs84_to_gcj02(121.437, 31.195) if tile_crs == "gcj02" else (121.437, 31.195)
        station = wgs84_to_gcj02(121.438, 31.195) if tile_crs == "gcj02" else (121.438, 31.195)
        assert (layer["streets"][0]["lng"], layer["streets"][0]["lat"]) == (round(street[0], 6), round(street[1], 6))
        assert layer["stations"] == [[round(station[0], 6), round(station[1], 6)]]


def test_street_points_import_csv_and_geojson(client, world, personas):
    client.force_login(personas["city"])
    csv_file = io.BytesIO(
        f"街镇代码,经度,纬度,坐标系\n{world.street.code},121.44,31.19,wgs84\n999,1,1,wgs84\n".encode()
    )
    csv_file.name = "points.csv"
    body = client.post("/stations/manage/street-points/", {"file": csv_file}).content.decode()
    assert "更新 1 个" in body and "找不到这个街镇代码" in body
    world.street.refresh_from_db()
    assert (world.street.lng, world.street.lat, world.street.approximate) == (121.44, 31.19, False)
    square = [[[121.40, 31.20], [121.42, 31.20], [121.42, 31.22], [121.40, 31.22], [121.40, 31.20]]]
    rows = street_rows_from_geojson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "properties": {"code": world.other_street.code},
                    "geometry": {"type": "Polygon", "coordinates": square},
                }
            ],
        }
    )
    assert rows[0]["lng"] == pytest.approx(121.41) and rows[0]["lat"] == pytest.approx(31.21)
    assert import_street_points(rows, actor=COMMAND).updated == 1


def test_a_street_officer_cannot_set_another_streets_point(client, world, personas):
    client.force_login(personas["street"])
    csv_file = io.BytesIO(f"街镇代码,经度,纬度\n{world.other_street.code},121.44,31.19\n".encode())
    csv_file.name = "points.csv"
    assert "找不到这个街镇代码" in client.post("/stations/manage/street-points/", {"file": csv_file}).content.decode()


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
