"""GET /api/v1/stations/nearby: contract, crs handling, bad input, throttling, schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongyou.api.auth import PublicRateThrottle
from gongyou.core.geo import haversine_m, wgs84_to_gcj02

URL = "/api/v1/stations/nearby"


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def stations(make_position):
    near = make_position(
        name="近站", lng="121.4370", lat="31.1950", amenities=["microwave", "water"], open_24h=True, weekly_hours=""
    )
    far = make_position(name="远站", lng="121.4470", lat="31.2050", amenities=["water"], open_24h=True, weekly_hours="")
    closed = make_position(
        name="暂停站",
        lng="121.4371",
        lat="31.1951",
        status="temporarily_closed",
        amenities=["water"],
        open_24h=True,
        weekly_hours="",
    )
    retired = make_position(
        name="撤销站", lng="121.4369", lat="31.1949", status="retired", open_24h=True, weekly_hours=""
    )
    return near, far, closed, retired


def test_it_returns_nearest_first_in_the_documented_shape(client, stations):
    near, far, closed, _retired = stations
    response = client.get(URL, {"lng": "121.4370", "lat": "31.1950"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [near.pk, closed.pk, far.pk]  # retired never listed
    first = results[0]
    assert set(first) == {"id", "name", "type", "lng", "lat", "crs", "distance_m", "open_now", "amenities"}
    assert first == {
        "id": near.pk, "name": "近站", "type": "relay_station", "lng": 121.437, "lat": 31.195, "crs": "wgs84",
        "distance_m": 0, "open_now": True, "amenities": ["microwave", "water"],
    }  # fmt: skip
    assert results[1]["open_now"] is False
    assert results[2]["distance_m"] == round(haversine_m(121.437, 31.195, 121.447, 31.205))


def test_filters_by_amenity_and_open_now(client, stations):
    near, far, closed, _ = stations
    ids = [
        r["id"]
        for r in client.get(URL, {"lng": 121.437, "lat": 31.195, "amenity": "water", "open_now": "true"}).json()[
            "results"
        ]
    ]
    assert ids == [near.pk, far.pk]
    ids = [
        r["id"]
        for r in client.get(URL, {"lng": 121.437, "lat": 31.195, "amenity": "microwave,water"}).json()["results"]
    ]
    assert ids == [near.pk]
    ids = [r["id"] for r in client.get(URL, {"lng": 121.437, "lat": 31.195, "radius_m": 100}).json()["results"]]
    assert ids == [near.pk, closed.pk]
    assert len(client.get(URL, {"lng": 121.437, "lat": 31.195, "limit": 1}).json()["results"]) == 1


def test_gcj02_in_and_out(client, stations):
    near = stations[0]
    g_lng, g_lat = wgs84_to_gcj02(121.437, 31.195)
    result = client.get(URL, {"lng": g_lng, "lat": g_lat, "crs": "gcj02", "limit": 1}).json()["results"][0]
    assert result["id"] == near.pk
    assert result["crs"] == "gcj02"
    assert result["distance_m"] == 0
    assert (result["lng"], result["lat"]) == (round(g_lng, 6), round(g_lat, 6))


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"lat": "31.2"}, "lng", "required"),
        ({"lng": "121.4"}, "lat", "required"),
        ({"lng": "NaN", "lat": "31.2"}, "lng", "invalid"),
        ({"lng": "inf", "lat": "31.2"}, "lng", "invalid"),
        ({"lng": "121.4", "lat": "nan"}, "lat", "invalid"),
        ({"lng": "abc", "lat": "31.2"}, "lng", "invalid"),
        ({"lng": "181", "lat": "31.2"}, "lng", "out_of_range"),
        ({"lng": "121.4", "lat": "-90.5"}, "lat", "out_of_range"),
        ({"lng": "121.4", "lat": "31.2", "crs": "bd09"}, "crs", "bad_crs"),
        ({"lng": "121.4", "lat": "31.2", "amenity": "sauna"}, "amenity", "unknown_amenity"),
        ({"lng": "121.4", "lat": "31.2", "limit": "0"}, "limit", "out_of_range"),
        ({"lng": "121.4", "lat": "31.2", "limit": "101"}, "limit", "out_of_range"),
        ({"lng": "121.4", "lat": "31.2", "limit": "ten"}, "limit", "invalid"),
        ({"lng": "121.4", "lat": "31.2", "radius_m": "0"}, "radius_m", "out_of_range"),
        ({"lng": "121.4", "lat": "31.2", "open_now": "maybe"}, "open_now", "bad_boolean"),
        ({"lng": "121.4", "lat": "31.2", "open_now": ""}, "open_now", "bad_boolean"),
        ({"lng": "121.4", "lat": "31.2", "type": "spa"}, "type", "unknown_type"),
    ],
)
def test_bad_input_is_a_400_in_the_shared_error_shape(client, db, params, field, code):
    response = client.get(URL, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[field][0]["code"] == code
    assert errors[field][0]["message"]  # Chinese, human readable


def test_all_errors_at_once(client, db):
    errors = client.get(URL, {"lng": "999", "crs": "x", "limit": "0"}).json()["errors"]
    assert set(errors) == {"lng", "lat", "crs", "limit"}


def test_points_outside_china_are_accepted(client, stations):
    response = client.get(URL, {"lng": "2.35", "lat": "48.85", "crs": "gcj02", "limit": 1})
    assert response.status_code == 200
    assert response.json()["results"][0]["distance_m"] > 9_000_000


def test_it_is_public_and_rate_limited(client, db, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    codes = [client.get(URL, {"lng": 121.4, "lat": 31.2}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = client.get(URL, {"lng": 121.4, "lat": 31.2}).json()
    assert body["errors"]["detail"][0]["code"] == "throttled"


def test_it_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    op = schema["paths"]["/api/v1/stations/nearby"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"lng", "lat", "crs", "limit", "radius_m", "amenity", "open_now"} <= names
    assert {"200", "400", "429"} <= set(op["responses"])
