"""Worker pages: nearest list, station page, check-in (anonymous and member), feedback."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongyou.core.actors import COMMAND
from gongyou.core.geo import wgs84_to_gcj02
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.models import CheckIn, Feedback
from gongyou.positions.services import set_street_point


@pytest.fixture
def station(make_position):
    return make_position(
        name="徐家汇爱心接力站", open_24h=True, weekly_hours="", amenities=["microwave", "water", "charging"]
    )


def test_nearest_page_lists_stations_for_a_chosen_street(client, world, station, make_position):
    make_position(
        name="没有微波炉的站", lng="121.4375", lat="31.1955", amenities=["water"], open_24h=True, weekly_hours=""
    )
    set_street_point(world.street, 121.4371, 31.1951, approximate=True, actor=COMMAND)
    response = client.get("/stations/", {"street": world.street.code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "徐家汇爱心接力站" in body and "没有微波炉的站" in body
    assert "营业中" in body and "导航" in body
    assert "vendor/leaflet/leaflet.js" in body
    filtered = client.get(
        "/stations/", {"street": world.street.code, "amenity": "microwave", "filtered": "1"}
    ).content.decode()
    assert "徐家汇爱心接力站" in filtered and "没有微波炉的站" not in filtered


def test_results_fragment_for_a_gps_point(client, station):
    body = client.get("/stations/results/", {"lng": "121.437", "lat": "31.195", "crs": "wgs84"}).content.decode()
    assert f'data-id="{station.pk}"' in body
    assert "uri.amap.com/marker" in body
    # Map coordinates follow the tile CRS: WGS-84 by default.
    assert 'data-lng="121.437"' in body


def test_markers_are_converted_for_gcj02_tiles(client, station, settings):
    settings.GONGYOU_MAP_TILE_CRS = "gcj02"
    body = client.get("/stations/results/", {"lng": "121.437", "lat": "31.195"}).content.decode()
    g_lng, g_lat = wgs84_to_gcj02(121.437, 31.195)
    assert f'data-lng="{round(g_lng, 6)}"' in body and f'data-lat="{round(g_lat, 6)}"' in body


def test_station_page_has_hours_amenities_and_navigation(client, station):
    body = client.get(f"/stations/{station.pk}/").content.decode()
    g_lng, g_lat = wgs84_to_gcj02(station.lng, station.lat)
    assert f"position={g_lng:.6f},{g_lat:.6f}" in body and "coordinate=gaode" in body
    assert f"geo:{station.lat:.6f},{station.lng:.6f}" in body
    assert "微波炉" in body and "充电" in body
    assert "24小时开放" in body


def test_retired_station_is_not_found(client, make_position):
    retired = make_position(status="retired")
    assert client.get(f"/stations/{retired.pk}/").status_code == 404
    assert client.post(f"/stations/{retired.pk}/checkin/").status_code == 404


def test_anonymous_checkin_counts_once_per_half_hour(client, station):
    assert client.get(f"/stations/{station.pk}/checkin/").status_code == 200
    assert CheckIn.objects.count() == 0  # a link preview must not count
    response = client.post(f"/stations/{station.pk}/checkin/", follow=True)
    assert "已签到" in response.content.decode()
    client.post(f"/stations/{station.pk}/checkin/")
    visit = CheckIn.objects.get()
    assert visit.position == station and visit.membership is None


def test_a_logged_in_members_visit_is_linked(client, world, station):
    membership = join(clean_worker(worker_data(1)), channel="online", actor=COMMAND).membership
    session = client.session
    session["portal_membership_id"] = membership.pk
    session.save()
    client.post(f"/stations/{station.pk}/checkin/")
    assert CheckIn.objects.get().membership == membership


def test_feedback_lands_with_the_managing_org(client, world, station):
    client.post(f"/stations/{station.pk}/checkin/")
    response = client.post(
        f"/stations/{station.pk}/feedback/",
        {"score": "2", "problem": "equipment_broken", "text": "微波炉坏了"},
        follow=True,
    )
    assert "已转给" in response.content.decode()
    item = Feedback.objects.get()
    assert item.org == world.street_fed
    assert item.score == 2 and item.problem == "equipment_broken" and item.checkin is not None


def test_feedback_needs_a_score_or_a_problem(client, station):
    response = client.post(f"/stations/{station.pk}/feedback/", {"score": "", "problem": ""}, follow=True)
    assert "请打分" in response.content.decode()
    assert not Feedback.objects.exists()
    client.post(f"/stations/{station.pk}/feedback/", {"score": "9"})
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("tile_crs", ["wgs84", "gcj02"])
def test_every_map_point_follows_the_tile_crs(client, world, station, settings, tile_crs):
    """Markers land on the right street with either tile source: the station, the rider's own
    point and the street reference point are all plotted in the tiles' system; navigation links
    do not depend on the tiles (AMap always GCJ-02, geo: always WGS-84)."""
    settings.GONGYOU_MAP_TILE_CRS = tile_crs
    expected = wgs84_to_gcj02(121.437, 31.195) if tile_crs == "gcj02" else (121.437, 31.195)
    lng, lat = round(expected[0], 6), round(expected[1], 6)
    assert f'"crs": "{tile_crs}"' in client.get("/stations/").content.decode()
    body = client.get("/stations/results/", {"lng": "121.437", "lat": "31.195"}).content.decode()
    assert f'data-here-lng="{lng}" data-here-lat="{lat}"' in body
    assert f'data-lng="{lng}" data-lat="{lat}"' in body
    page = client.get(f"/stations/{station.pk}/").content.decode()
    assert f'data-lng="{lng}" data-lat="{lat}"' in page
    g_lng, g_lat = wgs84_to_gcj02(121.437, 31.195)
    assert f"position={g_lng:.6f},{g_lat:.6f}" in page and "geo:31.195000,121.437000" in page
    set_street_point(world.street, 121.437, 31.195, approximate=True, actor=COMMAND)
    by_street = client.get("/stations/results/", {"street": world.street.code}).content.decode()
    assert f'data-here-lng="{lng}" data-here-lat="{lat}"' in by_street


def test_a_gcj02_point_from_a_map_app_finds_the_same_station(client, station):
    g_lng, g_lat = wgs84_to_gcj02(121.437, 31.195)
    body = client.get("/stations/results/", {"lng": f"{g_lng:.6f}", "lat": f"{g_lat:.6f}", "crs": "gcj02"})
    assert 'class="pos-distance">0 米<' in body.content.decode()  # converted back to WGS-84 first


def test_feedback_sent_twice_in_a_row_is_one_inbox_item(client, station):
    form = {"score": "2", "problem": "equipment_broken", "text": "微波炉坏了"}
    first = client.post(f"/stations/{station.pk}/feedback/", form, follow=True)
    second = client.post(f"/stations/{station.pk}/feedback/", form, follow=True)
    assert "已转给" in first.content.decode() and "已转给" in second.content.decode()
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().sender.startswith("session:")
    # Another phone sending the same words is a second report.
    other = Client()
    other.post(f"/stations/{station.pk}/feedback/", form)
    assert Feedback.objects.count() == 2


def test_a_members_repeated_feedback_is_one_item_across_sessions(client, world, station):
    membership = join(clean_worker(worker_data(1)), channel="online", actor=COMMAND).membership
    for _ in range(2):
        session = client.session
        session["portal_membership_id"] = membership.pk
        session.save()
        client.post(f"/stations/{station.pk}/feedback/", {"score": "5"})
        client.cookies.clear()
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().sender == f"member:{membership.pk}"


@pytest.mark.parametrize("name", ["portal:stations", "portal:station", "portal:station_checkin"])
def test_station_pages_know_the_logged_in_member(member_client, station, name):
    """One portal session for every worker page: the header links to the card, not to 登录."""
    url = reverse(name, args=[station.pk]) if name != "portal:stations" else reverse(name)
    html = member_client.get(url).content.decode()
    assert f'href="{reverse("portal:me")}"' in html
    assert f'href="{reverse("portal:login")}"' not in html


def test_station_pages_offer_login_to_a_visitor(client, station):
    html = client.get(reverse("portal:station", args=[station.pk])).content.decode()
    assert f'href="{reverse("portal:login")}"' in html
    assert f'href="{reverse("portal:me")}"' not in html
