"""Journey (a): a rider scans a station's QR code on a phone, joins with an SMS code and shows
the e-card; plus the picker and inline errors on the same phone viewport."""

from __future__ import annotations

import re

import pytest

from gongyou.core.testing import make_id_number, make_phone
from gongyou.members.join_links import make_join_token
from gongyou.members.models import Membership
from gongyou.portal.cards import card_token
from gongyou.portal.sms import ConsoleBackend

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _no_english(page) -> None:
    """The Chinese UI must not leak English words (the language switch "EN" aside)."""
    text = page.inner_text("main")
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in {"GY"}]
    assert not words, f"English in the Chinese UI: {words}"


def test_qr_join_sms_code_result_and_ecard(live_server, transactional_db, world, phone_page, screenshot):
    page = phone_page
    token = make_join_token(station=world.station)
    phone = make_phone(4242)

    page.goto(f"{live_server.url}/join/?t={token}")
    page.wait_for_load_state("networkidle")
    assert page.locator(".context").inner_text().count("徐家汇站") >= 1
    assert page.locator("#id_street_code").input_value() == world.street.code
    screenshot(page, "portal/01-join-from-qr")
    _no_english(page)

    page.fill("#id_name", "王小明")
    page.fill("#id_id_number", make_id_number(4242))
    page.fill("#id_phone", phone)
    page.click("#sms-box button")
    page.wait_for_selector(".sms-note.ok")
    assert page.evaluate("!!window.htmx")
    page.wait_for_function("() => document.querySelector('#sms-box button').disabled")  # the countdown runs
    assert "秒后重发" in page.inner_text("#sms-box button")
    code = ConsoleBackend.last_code(phone, "join")
    assert code
    page.fill("#id_sms_code", code)
    page.click("label.chip:has-text('网约送餐')")
    page.click("label.option:has-text('依托平台自主经营')")
    page.check("#id_consent")
    page.check("#id_consent_id")
    screenshot(page, "portal/02-join-filled")

    page.click("button.btn[value=join]")
    page.wait_for_url("**/join/done/")
    membership = Membership.objects.get()
    assert membership.channel == "qr" and membership.org == world.station_union
    assert "入会成功" in page.inner_text("main")
    assert membership.routing_reason in page.inner_text("main")
    screenshot(page, "portal/03-join-result")
    _no_english(page)

    page.click("text=查看电子会员证")
    page.wait_for_url("**/card/")
    assert page.locator("#card-qr svg").is_visible()
    assert membership.member_no in page.inner_text(".ecard")
    box = page.locator("#card-qr svg").bounding_box()
    assert box and box["width"] >= 180  # large enough to scan from another phone
    screenshot(page, "portal/04-ecard")

    page.goto(f"{live_server.url}/verify/{card_token(membership.pk)}/")
    assert "有效会员" in page.inner_text("main") and "王*" in page.inner_text("main")
    screenshot(page, "portal/05-verify")

    page.goto(f"{live_server.url}/me/")
    assert membership.member_no in page.inner_text("main")
    screenshot(page, "portal/06-my-membership")
    _no_english(page)

    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_inline_errors_and_the_street_picker_on_a_phone(live_server, transactional_db, world, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/")
    screenshot(page, "portal/00-home")
    _no_english(page)

    page.click("text=立即入会")
    page.wait_for_url("**/join/")
    page.select_option("#id_district", "310105")  # 长宁区: htmx swaps the street list
    page.wait_for_function("() => document.querySelectorAll('#id_street_code option').length > 3")
    assert "新华路街道" in page.inner_text("#id_street_code")
    page.fill("#id_street_q", "徐家汇")
    page.wait_for_function("() => document.querySelector('#id_street_code').innerText.includes('徐汇区徐家汇街道')")
    page.select_option("#id_street_code", world.street.code)

    page.fill("#id_name", "李四")
    page.fill("#id_id_number", "11010119900307")
    page.fill("#id_phone", "1391234")
    page.click("button.btn[value=join]")
    page.wait_for_selector(".field.has-error")
    text = page.inner_text("main")
    assert "身份证号码应为18位，您填写了14位" in text
    assert "手机号码应为11位" in text
    assert "请阅读并勾选同意个人信息处理告知" in text
    assert page.input_value("#id_name") == "李四"
    assert page.input_value("#id_street_code") == world.street.code
    screenshot(page, "portal/07-join-errors")
    _no_english(page)


def test_the_language_switch_gives_english(live_server, transactional_db, world, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/join/")
    with page.expect_navigation():
        page.click(".lang button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Join the union" in page.inner_text("main")
    screenshot(page, "portal/08-join-english")
