"""Journey: a street officer registers a service position by clicking the map (issue 7 part 2
item 11), with AMap-style GCJ-02 tiles, and the saved point is the clicked one in WGS-84."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from gongyou.core.geo import gcj02_to_wgs84
from gongyou.positions.models import ServicePosition

pytestmark = pytest.mark.browser


def staff_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.route(re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*"), lambda route: route.abort())
    host = live_server.url.split("//")[1].split(":")[0]
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "domain": host, "path": "/"}])
    return context, context.new_page()


def test_officer_picks_the_point_on_the_map_and_saves(
    live_server, transactional_db, browser, world, personas, settings, screenshot
):
    settings.GONGYOU_MAP_TILE_CRS = "gcj02"
    settings.GONGYOU_MAP_GEOCODER_URL = ""
    context, page = staff_page(browser, live_server, personas["street"])
    page.goto(f"{live_server.url}/stations/manage/new/")
    page.wait_for_selector("#pos-pick-map.leaflet-container")
    assert page.locator("#pos-geocode-off").is_visible()
    assert page.locator("#pos-geocode-q").count() == 0
    page.fill("input[name=name]", "地图选点爱心接力站")
    page.select_option("select[name=street]", world.street.code)
    page.fill("input[name=address]", "漕溪北路示例地址")
    page.check("input[name=open_24h]")
    page.select_option("select[name=crs]", "wgs84")  # the click must switch it to the tiles' system
    page.locator("#pos-pick-map").click(position={"x": 200, "y": 120})
    lng, lat = float(page.input_value("input[name=lng]")), float(page.input_value("input[name=lat]"))
    assert page.input_value("select[name=crs]") == "gcj02"
    assert 120 < lng < 123 and 30 < lat < 32.5
    assert page.locator("#pos-pick-map .leaflet-marker-icon").count() == 1
    screenshot(page, "positions/09-staff-pick-on-map")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/stations/manage/\d+/$"))
    saved = ServicePosition.objects.get(name="地图选点爱心接力站")
    expected = gcj02_to_wgs84(lng, lat)
    assert saved.lng == pytest.approx(expected[0], abs=1e-5)
    assert saved.lat == pytest.approx(expected[1], abs=1e-5)
    context.close()
