"""Coverage dashboards in a real browser (issue 12): the city officer drills from the city to a
district and a street and exports the table; a district officer sees only their district. Pages
(with their ECharts charts and the district map) are saved under artifacts/screenshots/insight/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from conftest import _staff
from gongyou.benefits.events import record_service_event
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.testing import worker_data
from gongyou.insight.services import set_target
from gongyou.insight.snapshots import rebuild
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, MembershipEvent
from gongyou.members.services import join

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def history(world):
    """Members over the last months in 徐家汇 and the other street, some served; snapshots."""
    now = timezone.now()
    for seq in range(1, 13):
        street = "310104014" if seq % 3 else "310104004"
        m = join(clean_worker(worker_data(seq, street_code=street)), channel="qr", actor=Actor.worker()).membership
        when = now - dt.timedelta(days=30 * (seq % 6))
        Membership.objects.filter(pk=m.pk).update(joined_at=when, applied_at=when)
        MembershipEvent.objects.filter(membership=m).update(at=when)
        if seq % 2:
            record_service_event(person=m.person, kind="checkin", org=world.street_fed, at=when, source_id=seq)
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    set_target(world.district.region, "members_active", timezone.localdate().year, 20, set_by=world.city, actor=COMMAND)


def test_the_city_officer_drills_down_to_a_street_and_exports(
    live_server, transactional_db, world, personas, desktop_page, screenshot
):
    history(world)
    page, base = desktop_page, live_server.url
    login(page, base, "city")
    menu(page, "覆盖指标")
    page.wait_for_selector("#trend-chart canvas")
    page.wait_for_selector("#insight-map .leaflet-interactive, #insight-map canvas")
    members = page.locator("[data-indicator=members_active] .value").inner_text()
    assert members == "12"
    assert "目标 20" in page.locator("[data-indicator=members_active]").inner_text()
    screenshot(page, "insight/01-city")

    page.get_by_test_id("drill-310104").click()
    page.wait_for_url(re.compile(r".*region=310104\b.*"))
    page.wait_for_selector("#bar-chart canvas")
    assert "徐汇区" in page.get_by_test_id("crumbs").inner_text()
    screenshot(page, "insight/02-district")

    page.get_by_test_id("drill-310104014").click()
    page.wait_for_url(re.compile(r".*region=310104014.*"))
    assert "徐家汇街道" in page.get_by_test_id("area-name").inner_text()
    assert page.locator("[data-indicator=members_active] .value").inner_text() == "8"
    screenshot(page, "insight/03-street")

    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.click("text=区考核排名")
    page.wait_for_selector("#rank-chart canvas")
    assert "徐汇区" in page.get_by_test_id("ranking").inner_text()
    screenshot(page, "insight/04-ranking")


def test_a_district_officer_sees_only_their_district(live_server, transactional_db, world, desktop_page, screenshot):
    history(world)
    _staff("xuhui", world.district)
    page, base = desktop_page, live_server.url
    login(page, base, "xuhui")
    menu(page, "覆盖指标")
    page.wait_for_selector("#trend-chart canvas")
    assert "徐汇区" in page.get_by_test_id("area-name").inner_text()
    assert page.get_by_test_id("drill-310104014").count() == 1
    assert page.locator("[data-testid^=drill-310101]").count() == 0
    screenshot(page, "insight/05-district-officer")
    response = page.goto(f"{base}/console/insight/?region=310101")  # 黄浦区
    assert response.status == 404
    page.goto(f"{base}/console/insight/targets/")
    assert page.get_by_test_id("targets-form").count() == 1  # sets its streets' targets
