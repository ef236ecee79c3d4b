"""Journey: a rider on a phone lets the page locate them (fake geolocation), sees the nearest
open stations, narrows to a microwave with one tap, opens the station and checks in; without
location, a street picker does the job. Plus the staff coverage map on a desktop."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from gongyou.core.actors import COMMAND
from gongyou.core.models import Region
from gongyou.positions.inputs import clean_position
from gongyou.positions.models import CheckIn, Feedback
from gongyou.positions.services import create_position, set_street_point

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 390, "height": 844}
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MicroMessenger/8.0.47.2560 Language/zh_CN"
)
HERE = {"latitude": 31.1950, "longitude": 121.4370}  # WGS-84, by 徐家汇


@pytest.fixture(autouse=True)
def _fresh():
    from django.core.cache import cache

    from gongyou.positions import index

    cache.clear()
    index.invalidate()
    yield
    index.invalidate()


def _position(world, name, lng, lat, amenities, **extra):
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    data = {
        "name": name, "kind": "relay_station", "org": str(world.street_fed.pk), "street": world.street.code,
        "address": "漕溪北路示例地址", "lng": lng, "lat": lat, "crs": "wgs84", "weekly_hours": "",
        "open_24h": True, "closed_on_holidays": False, "amenities": amenities, **extra,
    }  # fmt: skip
    return create_position(
        clean_position(data, orgs={str(world.street_fed.pk): world.street_fed}, streets=streets), actor=COMMAND
    )


@pytest.fixture
def stations(world):
    set_street_point(world.street, 121.4372, 31.1948, approximate=True, actor=COMMAND)
    return {
        "closest": _position(world, "天钥桥路爱心接力站", "121.4375", "31.1952", ["water", "charging", "seats"]),
        "microwave": _position(
            world,
            "徐家汇银行网点爱心接力站",
            "121.4395",
            "31.1965",
            ["air_conditioning", "fridge", "microwave", "water_heater", "power_strip", "tables_chairs", "toilet"],
        ),
        "closed": _position(
            world, "暂停开放的接力站", "121.4372", "31.1951", ["microwave"], status="temporarily_closed"
        ),
        "health": _position(
            world, "徐家汇健康服务点", "121.4410", "31.1930", ["first_aid", "aed"], kind="health_point"
        ),
    }


def _phone(browser, **extra):
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN",
        timezone_id="Asia/Shanghai", user_agent=WECHAT_USER_AGENT, **extra,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    # No network in tests: map tiles simply fail, fast.
    context.route(re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*"), lambda route: route.abort())
    return context


def _no_english(page) -> None:
    text = page.inner_text("main")
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in {"AED", "GPS", "OpenStreetMap"}]
    assert not words, f"English in the Chinese UI: {words}"


def test_rider_finds_a_station_with_a_microwave_and_checks_in(
    live_server, transactional_db, browser, world, stations, screenshot
):
    context = _phone(browser, geolocation=HERE, permissions=["geolocation"])
    page = context.new_page()
    page.goto(f"{live_server.url}/stations/")
    page.wait_for_selector(".pos-item")
    page.wait_for_function("() => document.getElementById('pos-status').textContent.includes('已按你的位置排序')")
    names = page.locator(".pos-item .pos-name").all_inner_texts()
    # Open now is the default: the temporarily closed station is not offered.
    assert names[0] == "天钥桥路爱心接力站" and "暂停开放的接力站" not in names
    assert page.locator(".leaflet-marker-pane, .leaflet-overlay-pane").count() >= 1
    _no_english(page)
    screenshot(page, "positions/01-nearest-located")

    # Tap one: microwave.
    page.click("label.pos-chip:has-text('微波炉')")
    page.wait_for_function("() => document.querySelectorAll('.pos-item').length === 1")
    first = page.locator(".pos-item").first
    assert first.locator(".pos-name").inner_text() == "徐家汇银行网点爱心接力站"
    assert "营业中" in first.inner_text()
    assert "uri.amap.com/marker" in first.locator(".pos-nav").get_attribute("href")
    screenshot(page, "positions/02-microwave-filter")

    first.locator(".pos-item-main").click()
    page.wait_for_selector("#pos-station-map")
    assert "coordinate=gaode" in page.locator("a:has-text('高德地图导航')").get_attribute("href")
    assert page.locator("a:has-text('用手机地图打开')").get_attribute("href").startswith("geo:31.1965")
    assert "微波炉" in page.inner_text(".pos-amenities")
    _no_english(page)
    screenshot(page, "positions/03-station")

    page.click("text=我到了：签到 / 评价 / 反映问题")
    page.click("#pos-checkin-btn")
    page.wait_for_selector("#pos-checked-in")
    assert CheckIn.objects.filter(position=stations["microwave"]).count() == 1
    page.click(".pos-stars label:has-text('2 星')")
    page.select_option("select[name=problem]", "equipment_broken")
    page.fill("textarea[name=text]", "微波炉不加热")
    screenshot(page, "positions/04-checked-in-feedback")
    page.click(".pos-feedback button")
    page.wait_for_selector("text=已转给")
    item = Feedback.objects.get()
    assert (item.score, item.problem, item.org) == (2, "equipment_broken", world.street_fed)
    context.close()


def test_without_location_the_street_picker_works(live_server, transactional_db, browser, world, stations, screenshot):
    context = _phone(browser)  # geolocation not granted
    page = context.new_page()
    page.goto(f"{live_server.url}/stations/")
    page.wait_for_function("() => document.getElementById('pos-status').textContent.includes('请选择所在街镇')")
    page.select_option("#pos-street", world.street.code)
    page.wait_for_selector(".pos-item")
    assert "徐家汇街道" in page.inner_text(".pos-from")
    assert page.locator(".pos-item").count() == 3  # open ones only
    screenshot(page, "positions/05-street-fallback")
    context.close()


def test_staff_coverage_map_and_registry(live_server, transactional_db, browser, world, personas, stations, screenshot):
    client = Client()
    client.force_login(personas["city"])
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.route(re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*"), lambda route: route.abort())
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/stations/manage/coverage/")
    page.wait_for_selector("#cov-map .leaflet-control-layers")
    assert page.locator("#blind-spots").count() == 1
    screenshot(page, "positions/06-staff-coverage")
    page.goto(f"{live_server.url}/stations/manage/")
    assert "徐家汇银行网点爱心接力站" in page.inner_text("table")
    screenshot(page, "positions/07-staff-registry")
    page.click("text=徐家汇银行网点爱心接力站")
    page.wait_for_selector(".pos-qr svg")
    screenshot(page, "positions/08-staff-detail")
    context.close()
