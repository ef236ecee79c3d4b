"""Journeys on a phone: one portal session on every worker page (a logged-in rider's station
pages show 我的, and the check-in lands in 我的会籍), and a transfer a union started that the rider
sees as the union's and cannot withdraw."""

from __future__ import annotations

import pytest
from django.utils import timezone

from e2e.test_english import chinese_ui, data_names, switch_to_english
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Region
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Transfer
from gongyou.members.services import join
from gongyou.members.transfers import auto_accept_due_transfers, cancel_transfer, request_transfer
from gongyou.positions.inputs import clean_position
from gongyou.positions.models import CheckIn
from gongyou.positions.services import create_position, record_checkin
from gongyou.positions.tests.conftest import (
    fresh_index,  # noqa: F401 (autouse: the nearest-stations index)
    position_data,
)

from .conftest import portal_login

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def relay_station(world):
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    data = position_data(world.street_fed, world.street, name="徐家汇爱心接力站", open_24h=True, weekly_hours="")
    clean = clean_position(data, orgs={str(world.street_fed.pk): world.street_fed}, streets=streets)
    return create_position(clean, actor=COMMAND)


def log_in(page, base_url, seq):
    phone = make_phone(seq)
    portal_login(page, base_url, phone)


def test_station_pages_know_the_rider_and_the_visit_shows_in_my_membership(
    live_server, transactional_db, world, relay_station, phone_page, screenshot
):
    page = phone_page
    membership = join(clean_worker(worker_data(81)), channel="online", actor=Actor.worker()).membership
    position = relay_station
    log_in(page, live_server.url, 81)

    page.goto(f"{live_server.url}/stations/{position.pk}/checkin/")
    bar = page.locator("header.portal-bar")
    assert bar.locator("a:text-is('我的')").is_visible()
    assert bar.locator("a:text-is('登录')").count() == 0
    screenshot(page, "portal/30-checkin-logged-in")
    with page.expect_navigation():
        page.click("#pos-checkin-btn")
    assert CheckIn.objects.get().membership_id == membership.pk

    with page.expect_navigation():
        bar.locator("a:text-is('我的')").click()
    visits = page.locator("section.panel", has_text="到站记录")
    assert "徐家汇爱心接力站" in visits.inner_text()
    visits.scroll_into_view_if_needed()
    screenshot(page, "portal/31-me-visits")


def test_a_union_started_transfer_says_so_and_cannot_be_withdrawn_by_the_rider(
    live_server, transactional_db, world, phone_page, screenshot
):
    page = phone_page
    membership = join(clean_worker(worker_data(82)), channel="online", actor=Actor.worker()).membership
    request_transfer(membership, world.other_street_union, initiator="old_org", actor=COMMAND, reason="整建制划转")
    log_in(page, live_server.url, 82)

    main = page.inner_text("main")
    assert "转出工会发起" in main and "转出工会发起组织关系接转" in main
    assert "会员本人申请" not in main
    assert page.locator("a:has-text('撤回接转申请')").count() == 0
    assert "不是您申请的" in main
    screenshot(page, "portal/32-me-union-started-transfer")
    assert Transfer.objects.get().status == "pending"


def test_my_membership_history_in_english(live_server, transactional_db, world, relay_station, phone_page, screenshot):
    """Item 16: history lines the system wrote (join reason, who started a transfer, automatic
    acceptance, the member's own withdrawal) follow the reader's language; names are data."""
    page = phone_page
    membership = join(clean_worker(worker_data(83)), channel="online", actor=Actor.worker()).membership
    request_transfer(membership, world.other_street_union, initiator="new_org", actor=COMMAND)
    auto_accept_due_transfers(now=timezone.now() + timezone.timedelta(days=30))
    back = request_transfer(membership, world.street_union_food, initiator="member", actor=Actor.worker())
    cancel_transfer(back, by="member", actor=Actor.worker())
    record_checkin(relay_station, membership=membership, actor=COMMAND)
    log_in(page, live_server.url, 83)
    switch_to_english(page)

    main = page.inner_text("main")
    assert "Transfer started by the receiving union" in main
    assert "Transfer withdrawn by the member" in main
    assert "Accepted automatically" in main
    names = [membership.person.name, *data_names()]
    assert chinese_ui(page, names) == []
    screenshot(page, "english/me-history")
