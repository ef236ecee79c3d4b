"""Every console page once in a real browser, for the screenshots (artifacts/screenshots/console/)
and a check that no English leaks into the Chinese UI."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from gongyou.console import totp
from gongyou.console.models import StaffTOTP
from gongyou.console.services import issue_totp_activation
from gongyou.core import crypto
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import StaffProfile
from gongyou.core.services import create_staff, set_approval_mode
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Transfer
from gongyou.members.services import join
from gongyou.members.transfers import request_transfer

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # conftest.PASSWORD
# Words allowed in the Chinese UI: the language switch, product and file-format names.
ALLOWED = {"English", "Excel", "CSV", "PNG", "SVG", "PDF", "xlsx", "Google", "Authenticator"}


def english_words(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    return {w for w in words if w not in ALLOWED and not re.fullmatch(r"GY\d+", w)}


@pytest.fixture
def tour_data(transactional_db, world, personas, settings):
    settings.GONGYOU = {**settings.GONGYOU, "FOUNDING_TASK_THRESHOLD": 3}

    def worker(seq, **kw):
        return join(clean_worker(worker_data(seq, **kw)), channel="qr", actor=Actor.worker()).membership

    members = [worker(seq) for seq in range(1, 6)]
    other = worker(20, street_code=world.other_street.code, industry="express")
    request_transfer(other, world.street_union_food, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="换工作")
    for seq in range(30, 34):
        worker(seq, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express")
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    worker(40)
    return {"member": members[0]}


def login(page, base, username, password=PASSWORD):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_every_console_page_looks_finished_in_chinese(live_server, tour_data, world, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    page.wait_for_url(re.compile(r".*/console/$"))
    member = tour_data["member"]
    pages = {
        "tour-members": "/console/members/",
        "tour-members-search": f"/console/members/?q={member.member_no}",
        "tour-member": f"/console/members/{member.member_no}/",
        "tour-applications": "/console/applications/",
        "tour-transfers-outgoing": "/console/transfers/?box=outgoing&status=all",
        "tour-bulk-transfer": f"/console/transfers/bulk/?enterprise={world.agent.pk}",
        "tour-orgs": "/console/orgs/",
        "tour-org": f"/console/orgs/{world.street_union_food.pk}/",
        "tour-station-union": f"/console/orgs/{world.station_union.pk}/",
        "tour-enterprises": "/console/enterprises/",
        "tour-enterprise": f"/console/enterprises/{world.no_union_enterprise.pk}/",
        "tour-stations": "/console/stations/",
        "tour-tasks": "/console/tasks/",
        "tour-roster": "/console/roster/",
    }
    leaks = {}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"console/{name}")
        # The user's login name in the top bar is data, not UI text: check the page body and nav.
        found = english_words(page.locator("main").inner_text() + page.locator("nav").inner_text())
        if found:
            leaks[path] = found
        # A 1366-wide office screen shows the whole page: wide tables scroll inside their frame.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    task_link = page.goto(base + "/console/tasks/")
    assert task_link.status == 200
    page.click(f"text={world.no_union_enterprise.name}")
    page.wait_for_load_state("networkidle")
    screenshot(page, "console/tour-task")
    page.goto(f"{base}/console/members/{member.member_no}/")
    page.fill("#reveal-phone input[name=reason]", "电话回访")
    page.click("#reveal-phone button")
    page.wait_for_selector("[data-testid=revealed-phone]")
    screenshot(page, "console/tour-member-revealed")
    page.goto(f"{base}/console/applications/")
    page.locator("summary", has_text="不予通过").first.click()
    assert page.locator("input[name=reason]").first.is_visible()
    screenshot(page, "console/tour-applications-reject")
    page.goto(f"{base}/console/transfers/")
    page.locator("summary", has_text="退回").first.click()
    screenshot(page, "console/tour-transfers-reject")
    page.goto(f"{base}/console/orgs/")
    page.locator("ul.tree button.toggle").first.click()
    page.wait_for_timeout(300)
    screenshot(page, "console/tour-orgs-expanded")
    assert not leaks, leaks


def test_an_admin_enrols_totp_and_reads_the_audit_log(live_server, tour_data, world, desktop_page, screenshot):
    admin = create_staff(username="admin1", password=PASSWORD, org=world.street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND, name="王管理")
    activation = issue_totp_activation(admin, actor=COMMAND)
    page, base = desktop_page, live_server.url
    login(page, base, "admin1")
    page.wait_for_url(re.compile(r".*/console/login/totp/.*"))
    screenshot(page, "console/tour-totp-activation")
    page.fill("#id_activation", activation)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=totp-secret]")
    screenshot(page, "console/tour-totp-enrol")
    secret = crypto.decrypt(StaffTOTP.objects.get(user__username="admin1").secret_enc)
    shown = page.locator("main").inner_text().replace("admin1", "")
    # The key itself is data (base32 groups), not UI text.
    assert not english_words(re.sub(r"\b[A-Z2-7]{4}\b", "", shown))
    page.fill("#id_code", totp.code_at(secret))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))
    menu(page, "审计日志")
    page.wait_for_load_state("networkidle")
    assert page.locator("td", has_text="绑定动态口令").first.is_visible()
    screenshot(page, "console/tour-audit")
    # Actions, object types and changed fields read in Chinese; login names are data.
    shown = page.locator("main").inner_text()
    for username in sorted(get_user_model().objects.values_list("username", flat=True), key=len, reverse=True):
        shown = shown.replace(username, "")
    assert not english_words(shown), english_words(shown)
