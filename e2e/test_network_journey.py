"""A street federation runs its network in the browser (issue 10): its admin founds a street
("小二级") union, registers a delivery station, founds the station's union under the new street
union, and opens an account for a colleague there. Screenshots under
artifacts/screenshots/network/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from gongyou.console import totp
from gongyou.console.models import StaffTOTP
from gongyou.core import crypto
from gongyou.core.actors import COMMAND
from gongyou.core.models import Org, StaffProfile, Station
from gongyou.core.services import create_staff

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"


@pytest.fixture
def street_admin(transactional_db, world):
    admin = create_staff(
        username="street_admin",
        password=PASSWORD,
        org=world.street_fed,
        role=StaffProfile.Role.ADMIN,
        actor=COMMAND,
        name="李主席",
    )
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    return secret


def test_a_street_federation_founds_unions_registers_a_station_and_opens_an_account(
    live_server, world, street_admin, desktop_page, screenshot
):
    page, base = desktop_page, live_server.url
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "street_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/login/totp/.*"))
    page.fill("#id_code", totp.code_at(street_admin))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))

    # 1. A street union under the street federation.
    page.goto(f"{base}/console/orgs/{world.street_fed.pk}/")
    create = page.locator("form[action$='/create/']")
    create.locator("select[name=kind]").select_option("street_union")
    create.locator("input[name=name]").fill("徐家汇街道货运行业工会")
    create.locator("select[name=founding_mode]").select_option("regional")
    create.locator("select[name=industry]").select_option("freight")
    screenshot(page, "network/01-found-street-union")
    create.get_by_role("button", name="建立").click()
    page.wait_for_selector("text=已建立徐家汇街道货运行业工会")
    street_union = Org.objects.get(name="徐家汇街道货运行业工会")
    assert (street_union.kind, street_union.parent, street_union.region) == (
        "street_union",
        world.street_fed,
        world.street,
    )
    screenshot(page, "network/02-street-union")

    # 2. A delivery station of the agent enterprise in the street.
    page.goto(f"{base}/console/stations/")
    page.click("text=登记配送站点")
    page.fill("input[name=code]", "ST-XJH-9")
    page.fill("input[name=name]", "徐家汇南站")
    page.select_option("select[name=enterprise]", str(world.agent.pk))
    page.select_option("select[name=street]", str(world.street.pk))
    page.fill("input[name=address]", "虹桥路1号")
    screenshot(page, "network/03-register-station")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/console/stations/$"))
    station = Station.objects.get(code="ST-XJH-9")
    assert page.locator("td", has_text="徐家汇南站").first.is_visible()

    # 3. The station's union under the new street union, co-managed by the agent's union.
    page.goto(f"{base}/console/orgs/{street_union.pk}/")
    create = page.locator("form[action$='/create/']")
    create.locator("select[name=kind]").select_option("station_union")
    create.locator("input[name=name]").fill("徐家汇南站分工会")
    create.locator("select[name=station]").select_option(str(station.pk))
    create.locator("select[name=second_manager]").select_option(str(world.agent_union.pk))
    screenshot(page, "network/04-found-station-union")
    create.get_by_role("button", name="建立").click()
    page.wait_for_selector("text=已建立徐家汇南站分工会")
    station_union = Org.objects.get(name="徐家汇南站分工会")
    assert (station_union.parent, station_union.station, station_union.second_manager) == (
        street_union,
        station,
        world.agent_union,
    )
    screenshot(page, "network/05-station-union")

    # 4. An account for a colleague at the new street union; the temporary password shown once.
    page.click("text=工作人员账号")
    page.click("text=开设账号")
    page.fill("input[name=username]", "xiaozhao")
    page.fill("input[name=name]", "赵干事")
    page.select_option("select[name=org]", str(street_union.pk))
    page.select_option("select[name=role]", "officer")
    screenshot(page, "network/06-new-account")
    page.get_by_role("button", name="开设账号").click()
    page.wait_for_selector("[data-secret=password]")
    screenshot(page, "network/07-account-opened")
    password = page.locator("[data-secret=password]").inner_text()
    profile = StaffProfile.objects.get(user__username="xiaozhao")
    assert (profile.org, profile.role, profile.must_change_password) == (street_union, "officer", True)
    assert profile.user.check_password(password)
