"""The position form's map picker (issue 7 part 2 item 11): the map and its script, the address
box only when a geocoder is configured, the saved point drawn in the tiles' system."""

from __future__ import annotations

import re

import pytest

from gongyou.core.geo import wgs84_to_gcj02


@pytest.fixture
def station(make_position):
    return make_position(name="徐家汇爱心接力站", lng="121.4370", lat="31.1950")


def test_without_a_geocoder_the_page_says_so_and_has_no_search_box(client, personas, settings):
    settings.GONGYOU_MAP_GEOCODER_URL = ""
    client.force_login(personas["street"])
    body = client.get("/stations/manage/new/").content.decode()
    assert 'id="pos-pick-map"' in body and "console/positions/picker.js" in body
    assert 'id="pos-geocode-off"' in body and "GONGYOU_MAP_GEOCODER_URL" in body
    assert 'id="pos-geocode-q"' not in body


def test_with_a_geocoder_the_search_box_is_shown(client, personas, settings):
    settings.GONGYOU_MAP_GEOCODER_URL = "https://geo.example.org/search?format=json&q={q}"
    client.force_login(personas["street"])
    body = client.get("/stations/manage/new/").content.decode()
    assert 'id="pos-geocode-q"' in body and 'id="pos-geocode-off"' not in body
    assert "https://geo.example.org/search?format=json&amp;q={q}" in body


@pytest.mark.parametrize("tile_crs", ["wgs84", "gcj02"])
def test_the_saved_point_is_drawn_in_the_tiles_system(client, personas, settings, station, tile_crs):
    settings.GONGYOU_MAP_TILE_CRS = tile_crs
    client.force_login(personas["street"])
    body = client.get(f"/stations/manage/{station.pk}/edit/").content.decode()
    match = re.search(r'id="pos-pick-map"[^>]*data-lng="([\d.]+)" data-lat="([\d.]+)"', body)
    assert match
    expected = wgs84_to_gcj02(121.437, 31.195) if tile_crs == "gcj02" else (121.437, 31.195)
    assert float(match.group(1)) == pytest.approx(expected[0], abs=1e-6)
    assert float(match.group(2)) == pytest.approx(expected[1], abs=1e-6)
