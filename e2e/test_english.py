"""Switching to English in a real browser: the portal join page (with its inline errors), the
nearest-station page and the staff console (login, a failed login, the overview) show no Chinese
UI text. Proper names of demo data (districts, streets, unions, enterprises, stations) are data,
not UI, and are taken out before checking. Screenshots: artifacts/screenshots/english/."""

from __future__ import annotations

import re

import pytest

from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise, Org, Region, Station
from gongyou.positions.inputs import clean_position
from gongyou.positions.models import ServicePosition
from gongyou.positions.services import create_position, set_street_point

pytestmark = pytest.mark.browser

PASSWORD = "Gongyou-test-2026!"  # conftest.PASSWORD
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
TILES = re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*")
# What a user sees or hears besides text: placeholders, tooltips, accessible names.
ATTRIBUTE_TEXT = """() => Array.from(document.querySelectorAll('[placeholder],[title],[aria-label],[alt]'))
  .flatMap(el => ['placeholder', 'title', 'aria-label', 'alt'].map(a => el.getAttribute(a) || ''))
  .join('\\n')"""


def data_names() -> list[str]:
    """Proper names stored as data, longest first so a street name goes before its district's."""
    names: set[str] = set()
    for model in (Region, Org, Enterprise, Station, ServicePosition):
        names.update(model.objects.values_list("name", flat=True))
    names.update(r.full_name for r in Region.objects.filter(level=Region.Level.STREET).select_related("parent"))
    names.update(ServicePosition.objects.values_list("address", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


def chinese_ui(page, names: list[str]) -> list[str]:
    """CJK runs left in the page's visible text and labels once data names, the language switch
    ("中文") and the brand glyph are taken out."""
    text = page.inner_text("body") + "\n" + page.evaluate(ATTRIBUTE_TEXT)
    for name in names:
        text = text.replace(name, " ")
    for brand in page.locator(".brand-mark, .logo").all_inner_texts():
        text = text.replace(brand, " ")
    text = text.replace("中文", " ")
    return [text[max(0, m.start() - 15) : m.end() + 15].replace("\n", " ") for m in CJK.finditer(text)]


def switch_to_english(page) -> None:
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.fixture
def relay_station(world):
    set_street_point(world.street, 121.4372, 31.1948, approximate=True, actor=COMMAND)
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    data = {
        "name": "天钥桥路爱心接力站", "kind": "relay_station", "org": str(world.street_fed.pk), "street": world.street.code,
        "address": "漕溪北路示例地址", "lng": "121.4375", "lat": "31.1952", "crs": "wgs84",
        "weekly_hours": "周一至周五 07:00-21:00；周六至周日 09:00-18:00", "open_24h": False,
        "closed_on_holidays": True, "amenities": ["microwave", "water", "charging", "toilet", "first_aid"],
    }  # fmt: skip
    clean = clean_position(data, orgs={str(world.street_fed.pk): world.street_fed}, streets=streets)
    return create_position(clean, actor=COMMAND)


def test_portal_join_and_stations_in_english(
    live_server, transactional_db, world, relay_station, phone_page, screenshot
):
    page = phone_page
    page.context.route(TILES, lambda route: route.abort())
    names = data_names()

    page.goto(f"{live_server.url}/join/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    switch_to_english(page)
    assert page.url.endswith("/join/")
    body = page.inner_text("body")
    assert "Resident ID number" in body and "Mobile number" in body
    assert chinese_ui(page, names) == []
    screenshot(page, "english/01-portal-join")

    # A form with mistakes: every inline error in English, the street picker still works.
    page.select_option("#id_district", world.street.parent.code)
    page.wait_for_selector(f"#id_street_code option[value='{world.street.code}']", state="attached")
    page.select_option("#id_street_code", world.street.code)
    page.fill("#id_name", "Li Si")
    page.fill("#id_id_number", "11010119900307")
    page.fill("#id_phone", "1391234")
    page.click("button.btn[value=join]")
    page.wait_for_selector(".field.has-error")
    errors = " ".join(page.locator(".error").all_inner_texts())
    assert "18 characters" in errors and "14" in errors, errors
    assert chinese_ui(page, names) == []
    screenshot(page, "english/02-portal-join-errors")

    # The language sticks: the station finder, chosen by street, with hours, distance and icons.
    page.goto(f"{live_server.url}/stations/?street={world.street.code}&filtered=1")
    page.wait_for_selector(".pos-item")
    item = page.locator(".pos-item").first.inner_text()
    assert re.search(r"\d+ m\b", item), item
    assert "Microwave" in item
    assert chinese_ui(page, names) == []
    screenshot(page, "english/03-stations")

    page.locator(".pos-item-main").first.click()
    page.wait_for_selector(".pos-amenities")
    body = page.inner_text("body")
    assert "Mon" in body and ("Closed" in body or "Open" in body)
    assert chinese_ui(page, names) == []
    screenshot(page, "english/04-station")


def test_console_login_and_overview_in_english(live_server, transactional_db, world, personas, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    names = data_names()

    page.goto(f"{base}/console/login/")
    switch_to_english(page)
    assert "Staff login" in page.inner_text("body")
    assert chinese_ui(page, names) == []
    screenshot(page, "english/10-console-login")

    page.fill("#id_username", "street")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "Wrong username or password" in page.inner_text("body")
    assert chinese_ui(page, names) == []
    screenshot(page, "english/11-console-login-failed")

    page.fill("#id_username", "street")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))
    assert "Overview" in page.inner_text("body")
    assert chinese_ui(page, names) == []
    screenshot(page, "english/12-console-overview")

    for path, shot in [("/console/orgs/", "13-console-orgs"), ("/stations/manage/coverage/", "14-coverage")]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert chinese_ui(page, names) == [], path
        screenshot(page, f"english/{shot}")


def test_this_seasons_console_pages_in_english(live_server, transactional_db, world, personas, desktop_page, screenshot):
    """The pages added with honours, the departments' task board, meeting corrections and notice
    files read in English too (data typed in English, so any Chinese left is UI text)."""
    from gongyou.core.actors import COMMAND
    from gongyou.honours.inputs import clean_competition, clean_nomination
    from gongyou.honours.services import create_competition, nominate
    from gongyou.voice.inputs import clean_item, clean_task
    from gongyou.voice.services import add_action_item, add_department, add_department_task
    from gongyou.voice.tests.conftest import make_meeting

    competition = create_competition(world.street_fed, clean_competition({"title": "Skills contest", "held_on": "2026-05-01"}), actor=COMMAND)
    nominate(world.street_fed, clean_nomination({"kind": "worker_pioneer", "year": "2026", "team": "Night crew", "industry": "express"}, this_year=2026), None, actor=COMMAND)
    task = add_department_task(add_department(world.street_fed, "Post office", actor=COMMAND), clean_task({"title": "Found unions"}), actor=COMMAND)
    meeting = make_meeting(world.street_fed, title="Riders' meeting")
    item = add_action_item(meeting, clean_item({"title": "Shade tents", "due_on": "2026-08-01"}), owner=meeting.parties.get(kind="platform"), actor=COMMAND)
    page, base = desktop_page, live_server.url
    page.goto(f"{base}/console/login/")
    switch_to_english(page)
    page.fill("#id_username", "street")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    names = sorted({*data_names(), *meeting.parties.values_list("name", flat=True), "张三、李四", "街道会议室"}, key=len, reverse=True)
    for path, shot in [
        ("/console/honours/", "20-honours"),
        ("/console/competitions/", "21-competitions"),
        (f"/console/competitions/{competition.pk}/", "22-competition"),
        ("/console/departments/", "23-department-board"),
        (f"/console/departments/tasks/{task.pk}/", "24-department-task"),
        (f"/console/consultations/{meeting.pk}/item/{item.pk}/edit/", "25-item-edit"),
        ("/console/notices/new/", "26-notice-form"),
    ]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert chinese_ui(page, names) == [], path
        screenshot(page, f"english/{shot}")
