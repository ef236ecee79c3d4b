"""The coverage page (map layer, blind-spot table, export) and the import of surveyed street points."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from gongyou.core.actors import COMMAND
from gongyou.positions.services import import_street_points, street_rows_from_geojson


def test_coverage_page_map_layer_and_export(client, world, personas, workforce, make_position):
    make_position(name="近站", lng="121.4380", lat="31.1950")
    client.force_login(personas["street"])  # a street-level officer sees their own street
    body = client.get("/stations/manage/coverage/").content.decode()
    layer = json.loads(body.split('id="cov-layer" type="application/json">')[1].split("</script>")[0])
    assert [s["name"] for s in layer["streets"]] == [world.street.full_name]
    client.force_login(personas["city"])
    body = client.get("/stations/manage/coverage/", {"radius_m": "1000"}).content.decode()
    layer = json.loads(body.split('id="cov-layer" type="application/json">')[1].split("</script>")[0])
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
        layer = json.loads(body.split('id="cov-layer" type="application/json">')[1].split("</script>")[0])
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


def test_the_coverage_page_says_how_often_workers_are_counted(client, world, personas, workforce, settings):
    client.force_login(personas["street"])
    settings.GONGYOU = {**settings.GONGYOU, "COVERAGE_SECONDS": 600}
    assert "劳动者人数每 10 分钟重新统计一次" in client.get("/stations/manage/coverage/").content.decode()
    settings.GONGYOU = {**settings.GONGYOU, "COVERAGE_SECONDS": 0}
    assert "重新统计一次" not in client.get("/stations/manage/coverage/").content.decode()
