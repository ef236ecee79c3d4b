"""My membership on a phone: SMS login, a transfer with the proposed union shown before
confirming, and leaving with a confirmation step."""

from __future__ import annotations

import pytest

from gongyou.core.actors import Actor
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Transfer
from gongyou.members.services import join
from gongyou.portal.sms import ConsoleBackend

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_login_transfer_and_leave(live_server, transactional_db, world, phone_page, screenshot):
    page = phone_page
    membership = join(clean_worker(worker_data(77)), channel="online", actor=Actor.worker()).membership
    phone = make_phone(77)

    page.goto(f"{live_server.url}/me/login/")
    page.fill("#id_phone", phone)
    page.click("#sms-box button")
    page.wait_for_selector(".sms-note.ok")
    page.fill("#id_sms_code", ConsoleBackend.last_code(phone, "login"))
    screenshot(page, "portal/10-login")
    page.click("button.btn[value=login]")
    page.wait_for_url("**/me/")

    page.click("text=申请组织关系接转")
    page.wait_for_url("**/me/transfer/")
    # The form opens on the member's own district (Xuhui): its street list already holds 湖南路街道,
    # and picking the district swaps in a new list by htmx. Wait until the old list is gone, or a
    # slow machine picks the street in it and the swap then empties the choice.
    old_list = page.query_selector("#id_street_code")
    page.select_option("#id_district", "310104")
    page.wait_for_function("el => !el.isConnected", arg=old_list)
    page.wait_for_function("() => document.querySelector('#id_street_code').innerText.includes('湖南路街道')")
    page.select_option("#id_street_code", world.other_street.code)
    page.click("label.chip:has-text('快递物流')")
    page.fill("#id_reason", "换到湖南路的站点")
    # Picking the street refreshes the employer list by htmx: let it land before submitting, or a
    # slow machine posts the form while the swap is still replacing part of it.
    page.wait_for_load_state("networkidle")
    screenshot(page, "portal/11-transfer-form")
    with page.expect_navigation():
        page.click("button.btn[value=preview]")
    assert world.other_street_union.name in page.inner_text("main")
    screenshot(page, "portal/12-transfer-confirm")
    page.click("button.btn[value=confirm]")
    page.wait_for_url("**/me/")
    assert Transfer.objects.get().to_org == world.other_street_union
    assert "接转办理中" in page.inner_text("main")
    screenshot(page, "portal/13-me-transferring")

    with page.expect_navigation():
        page.click("text=撤回接转申请")
    # Withdrawing asks first.
    assert "确定撤回吗" in page.inner_text("main")
    assert Transfer.objects.get().status == "pending"
    screenshot(page, "portal/13b-transfer-withdraw-confirm")
    with page.expect_navigation():
        page.click("button.btn[value=confirm]")
    assert Transfer.objects.get().status == "cancelled"
    assert "会员本人撤回接转" in page.inner_text("main")
    with page.expect_navigation():
        page.click("a:text-is('退会')")
    page.click("label.option:has-text('离开上海')")
    screenshot(page, "portal/14-leave")
    with page.expect_navigation():
        page.click("button.btn[value=review]")
    assert "确定要退会吗" in page.inner_text("main")
    screenshot(page, "portal/15-leave-confirm")
    page.click("button.btn[value=confirm]")
    page.wait_for_url("**/me/")
    assert Membership.objects.get(pk=membership.pk).status == "withdrawn"
    screenshot(page, "portal/16-me-left")

    with page.expect_navigation():
        page.click("text=撤回同意并删除个人信息")
    screenshot(page, "portal/17-withdraw-consent")
