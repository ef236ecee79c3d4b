"""WGS-84 ↔ GCJ-02 against published reference points, round trips, and haversine."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gongyou.core.geo import gcj02_to_wgs84, haversine_m, out_of_china, wgs84_to_gcj02

# (WGS-84 lng, lat) → (GCJ-02 lng, lat), as published in the test suites of widely used libraries,
# with the tolerance each matches to: the last two use slightly different constants (≈ 3 mm).
FORWARD = [
    # wandergis/coordtransform test/app.js (Beijing); same constants as ours, so to the last digits.
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164), 1e-12),
    # a Shanghai (Jinshan) point from the geotool CLI tests
    ((121.0917077, 30.6107779), (121.09626935575027, 30.608604331756705), 1e-6),
    # geoToolbox test data (lat 40, lng 116)
    ((116.0, 40.0), (116.006141221789, 40.001213650174), 1e-6),
]


@pytest.mark.parametrize(("wgs", "gcj", "tolerance"), FORWARD)
def test_it_matches_published_forward_conversions(wgs, gcj, tolerance):
    lng, lat = wgs84_to_gcj02(*wgs)
    assert lng == pytest.approx(gcj[0], abs=tolerance)
    assert lat == pytest.approx(gcj[1], abs=tolerance)
    assert haversine_m(lng, lat, *gcj) < 0.1


def test_it_matches_gcoord_inverse_reference():
    # hujiulong/gcoord test/unit/crs/GCJ02.spec.js: GCJ-02 (123, 45) → WGS-84, to 5 decimals.
    lng, lat = gcj02_to_wgs84(123.0, 45.0)
    assert lng == pytest.approx(122.99395597, abs=1e-5)
    assert lat == pytest.approx(44.99804071, abs=1e-5)


@pytest.mark.parametrize(("wgs", "gcj", "tolerance"), FORWARD)
def test_inverse_recovers_the_published_wgs_point(wgs, gcj, tolerance):
    lng, lat = gcj02_to_wgs84(*gcj)
    assert haversine_m(lng, lat, *wgs) < 0.1


def test_the_shanghai_offset_is_a_few_hundred_metres():
    # People's Square: the shift is what puts unconverted markers on the wrong street.
    g = wgs84_to_gcj02(121.4737, 31.2304)
    assert 300 < haversine_m(121.4737, 31.2304, *g) < 700


@pytest.mark.parametrize(
    "point",
    [
        (183.0, 45.0), (2.35, 48.85), (-74.0, 40.7), (121.0, 60.0),
        (139.69, 35.69),  # Tokyo
        (126.98, 37.57),  # Seoul
        (125.75, 39.03),  # Pyongyang
        (105.85, 21.03),  # Hanoi
        (106.91, 47.92),  # Ulaanbaatar
        (131.89, 43.12),  # Vladivostok
        (121.56, 25.03),  # Taipei
    ],
)
def test_points_outside_china_are_not_shifted(point):
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize(
    "point",
    [(121.47, 31.23), (116.40, 39.90), (87.62, 43.83), (126.64, 45.76), (110.33, 20.03), (91.13, 29.65), (102.71, 25.04), (113.26, 23.13)],
)
def test_mainland_cities_are_shifted(point):
    assert not out_of_china(*point)
    assert haversine_m(*point, *wgs84_to_gcj02(*point)) > 100


china = st.tuples(st.floats(min_value=73.7, max_value=135.0), st.floats(min_value=18.2, max_value=53.5))


@settings(max_examples=300, deadline=None)
@given(china)
def test_round_trip_error_is_under_a_metre_inside_china(point):
    lng, lat = point
    # Within a kilometre of the region's edge a shifted inside point and an unshifted outside
    # point can share one GCJ-02 value; the round trip is only defined away from the edge.
    assume(all(out_of_china(lng + dx, lat + dy) == out_of_china(lng, lat) for dx in (-0.01, 0.01) for dy in (-0.01, 0.01)))
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat))
    assert haversine_m(lng, lat, *back) < 1.0
    forward = wgs84_to_gcj02(*gcj02_to_wgs84(lng, lat))
    assert haversine_m(lng, lat, *forward) < 1.0


def test_haversine_known_distances():
    assert haversine_m(121.4737, 31.2304, 121.4737, 31.2304) == 0
    # One degree of latitude on the mean-radius sphere: π R / 180.
    assert haversine_m(121.0, 31.0, 121.0, 32.0) == pytest.approx(math.pi * 6371008.8 / 180, rel=1e-12)
    # Shanghai People's Square ↔ Beijing Tiananmen ≈ 1,067 km (great circle).
    assert haversine_m(121.4737, 31.2304, 116.3975, 39.9087) == pytest.approx(1_067_000, rel=0.01)
    # Antipodes: half the circumference.
    assert haversine_m(0, 0, 180, 0) == pytest.approx(math.pi * 6371008.8, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=-180, max_value=180),
    st.floats(min_value=-89, max_value=89),
    st.floats(min_value=-180, max_value=180),
    st.floats(min_value=-89, max_value=89),
)
def test_haversine_is_symmetric_and_bounded(lng1, lat1, lng2, lat2):
    d = haversine_m(lng1, lat1, lng2, lat2)
    assert d == pytest.approx(haversine_m(lng2, lat2, lng1, lat1), abs=1e-6)
    assert 0 <= d <= math.pi * 6371008.8 + 1e-6
