"""A rider asks for a code while the SMS gateway is down: the page says the text is being sent
again, and later that it got through — or that it never did and what to do — without a reload."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
from django.utils import timezone

from gongyou.core import jobs
from gongyou.core.sms import SmsBackend, SmsError
from gongyou.core.testing import make_phone

pytestmark = pytest.mark.browser


class FlakyGateway(SmsBackend):
    """A gateway that fails `failures` times, then delivers (kept in `sent`)."""

    failures: ClassVar[int] = 0
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, message: str, *, purpose: str, code: str) -> None:
        if FlakyGateway.failures > 0:
            FlakyGateway.failures -= 1
            raise SmsError("gateway_down", "gateway down")
        FlakyGateway.sent.append((phone, code))


@pytest.fixture
def flaky_gateway(settings):
    from django.core.cache import cache

    cache.clear()
    settings.GONGYOU_SMS_BACKEND = f"{__name__}.FlakyGateway"
    FlakyGateway.sent = []
    yield FlakyGateway
    FlakyGateway.failures = 0
    cache.clear()


def _ask_for_code(page, url: str, phone: str) -> None:
    page.clock.install()  # htmx's "every 10s" runs on the page's clock, which the test moves
    page.goto(f"{url}/join/")
    page.wait_for_load_state("networkidle")
    page.fill("#id_phone", phone)
    page.click("#sms-box button")
    page.wait_for_selector("#sms-status[data-delivery=retrying]")


def _next_look(page) -> None:
    with page.expect_response(lambda r: "/sms/status/" in r.url):
        page.clock.run_for(11_000)


def test_a_code_sent_again_after_a_gateway_failure(live_server, transactional_db, phone_page, screenshot, flaky_gateway):
    page = phone_page
    phone = make_phone(7301)
    flaky_gateway.failures = 1
    _ask_for_code(page, live_server.url, phone)
    assert "正在重发" in page.inner_text("#sms-status")
    assert page.locator("#sms-box [role=status] #sms-status").count() == 1  # read out when it changes
    screenshot(page, "portal/sms-01-resending")

    jobs.recover(now=timezone.now() + dt.timedelta(minutes=5))  # the worker's second attempt gets through
    assert [p for p, _code in flaky_gateway.sent] == [phone]
    _next_look(page)
    page.wait_for_selector("#sms-status.ok[data-delivery=sent]")
    assert "验证码短信已发出，5分钟内有效" in page.inner_text("#sms-status")
    assert page.locator("#sms-status[hx-get]").count() == 0  # nothing polls any more
    screenshot(page, "portal/sms-02-sent-after-retry")


def test_a_code_that_never_goes_out_tells_the_rider_what_to_do(live_server, transactional_db, phone_page, screenshot, flaky_gateway):
    page = phone_page
    flaky_gateway.failures = 99
    _ask_for_code(page, live_server.url, make_phone(7302))
    for minutes in (5, 60):
        jobs.recover(now=timezone.now() + dt.timedelta(minutes=minutes))
    _next_look(page)
    # htmx keeps the old line's classes on the new one until it settles: wait for the final look.
    page.wait_for_selector("#sms-status.error[data-delivery=failed]")
    text = page.inner_text("#sms-status")
    assert "没有发出去" in text and "重新获取" in text and "驿站" in text
    screenshot(page, "portal/sms-03-failed")
    assert not flaky_gateway.sent
