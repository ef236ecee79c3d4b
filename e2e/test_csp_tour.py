"""A tour of the pages no journey opens, so every page is checked in a real browser against the
Content-Security-Policy (the watcher in conftest fails on any violation) and WCAG 2.2 AA (axe-core): public portal pages,
error pages, the API docs, the staff positions pages and the gated admin."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from .conftest import assert_accessible
from .test_positions_nearest import _position

pytestmark = pytest.mark.browser
TILES = re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*")


def _signed_in(browser, live_server, client):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    context.route(TILES, lambda route: route.abort())
    if client is not None:
        host = live_server.url.split("//")[1].split(":")[0]
        name = django_settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}])
    return context


def _visit(page, url: str, status: int = 200, *, ours: bool = True) -> None:
    """Open a page; our own pages are also checked against WCAG 2.2 AA (axe-core). Swagger UI and
    Django's admin are third-party pages and are checked for the policy only."""
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("networkidle")
    if ours:
        assert_accessible(page, url)


def test_public_pages_and_api_docs_keep_the_policy(live_server, transactional_db, browser, world):
    station = _position(world, "天钥桥路爱心接力站", "121.4375", "31.1952", ["water"])
    context = _signed_in(browser, live_server, None)
    page = context.new_page()
    base = live_server.url
    for path in ["/", "/privacy/", "/join/", "/me/login/", "/stations/", f"/stations/{station.pk}/",
                 f"/stations/{station.pk}/checkin/"]:  # fmt: skip
        _visit(page, base + path)
    _visit(page, base + "/no-such-page/", 404)
    _visit(page, base + "/api/docs/", ours=False)
    page.wait_for_selector(".swagger-ui .opblock")
    context.close()


def test_staff_positions_pages_and_admin_keep_the_policy(
    live_server, transactional_db, browser, world, personas, settings, passed_second_factor
):
    settings.GONGYOU_ADMIN_ENABLED = True
    station = _position(world, "天钥桥路爱心接力站", "121.4375", "31.1952", ["water"])
    client = Client()
    client.force_login(personas["city"])
    context = _signed_in(browser, live_server, client)
    page = context.new_page()
    base = live_server.url
    for path in ["/stations/manage/", "/stations/manage/new/", "/stations/manage/import/",
                 f"/stations/manage/{station.pk}/", f"/stations/manage/{station.pk}/edit/",
                 "/stations/manage/feedback/", "/stations/manage/coverage/", "/stations/manage/street-points/"]:  # fmt: skip
        _visit(page, base + path)
    context.close()

    root = get_user_model().objects.create_superuser("root", "root@example.com", "Root-pass-2026!")
    admin = Client()
    admin.force_login(root)
    passed_second_factor(admin)
    context = _signed_in(browser, live_server, admin)
    page = context.new_page()
    _visit(page, base + "/admin/", ours=False)
    _visit(page, base + "/admin/auth/user/", ours=False)
    _visit(page, base + f"/admin/auth/user/{root.pk}/change/", ours=False)
    context.close()
