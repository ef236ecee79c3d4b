"""Honours and competitions in a real browser: a street officer records a riders' skills
competition and a member's first place, nominates the member as a model worker and a station's
crew as a Worker Pioneer, awards both and reads the figures by honour and industry; the rider
sees what they won on their phone."""

from __future__ import annotations

import re

import pytest

from gongyou.core.actors import Actor
from gongyou.core.testing import worker_data
from gongyou.honours.models import Nomination
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join

from .conftest import menu, portal_login

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)


def test_an_officer_records_a_competition_and_nominates_for_honours(live_server, transactional_db, world, personas, desktop_page, screenshot):
    rider = join(clean_worker(worker_data(7701, industry="express")), channel="online", actor=Actor.worker()).membership
    page, base = desktop_page, live_server.url
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "street")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))

    menu(page, "劳动和技能竞赛")
    page.fill("form[action$='/competitions/new/'] input[name=title]", "快递员职业技能竞赛")
    page.select_option("form[action$='/competitions/new/'] select[name=industry]", "express")
    page.fill("form[action$='/competitions/new/'] input[name=held_on]", "2026-05-01")
    page.click("button:has-text('登记竞赛')")
    page.wait_for_selector("text=已登记竞赛")
    page.fill("input[name=member_no]", rider.member_no)
    page.fill("input[name=award]", "一等奖")
    page.click("button:has-text('登记成绩')")
    page.wait_for_selector("[data-testid=results] >> text=一等奖")
    screenshot(page, "honours/01-competition")

    menu(page, "荣誉推荐")
    form = "form[action$='/honours/new/']"
    page.select_option(f"{form} select[name=kind]", "model_worker")
    page.fill(f"{form} input[name=member_no]", rider.member_no)
    page.fill(f"{form} input[name=citation]", "职业技能竞赛一等奖，三年零投诉")
    page.click(f"{form} button:has-text('推荐')")
    page.wait_for_selector("text=已推荐。")
    page.select_option(f"{form} select[name=kind]", "worker_pioneer")
    page.fill(f"{form} input[name=team]", "徐家汇快递站班组")
    page.select_option(f"{form} select[name=industry]", "express")
    page.click(f"{form} button:has-text('推荐')")
    page.wait_for_selector("[data-testid=nominations] >> text=徐家汇快递站班组")
    for nomination in Nomination.objects.order_by("id"):
        page.get_by_test_id(f"nomination-{nomination.pk}").locator("button:has-text('授予')").click()
        page.wait_for_selector("text=已记录评定结果")
    assert set(Nomination.objects.values_list("status", flat=True)) == {"awarded"}
    stats = page.get_by_test_id("honour-stats")
    assert re.search(r"劳动模范\s+1\s+1", stats.inner_text()) and re.search(r"工人先锋号\s+1\s+1", stats.inner_text())
    screenshot(page, "honours/02-nominations")


def test_a_rider_sees_what_they_won_on_a_phone(live_server, transactional_db, world, phone_page, screenshot):
    from gongyou.core.actors import COMMAND
    from gongyou.core.testing import make_phone
    from gongyou.honours.inputs import clean_competition, clean_nomination
    from gongyou.honours.services import create_competition, decide_nomination, nominate, record_result

    rider = join(clean_worker(worker_data(7702)), channel="online", actor=Actor.worker()).membership
    competition = create_competition(world.street_fed, clean_competition({"title": "外卖骑手职业技能竞赛", "held_on": "2026-05-01"}), actor=COMMAND)
    record_result(competition, rider, "一等奖", actor=COMMAND)
    nomination = nominate(
        world.street_fed, clean_nomination({"kind": "model_worker", "year": "2026", "member_no": rider.member_no}, this_year=2026), rider, actor=COMMAND
    )
    decide_nomination(nomination, True, actor=COMMAND)

    page, phone = phone_page, make_phone(7702)
    portal_login(page, live_server.url, phone)
    won = page.get_by_test_id("my-honours").inner_text()
    assert "劳动模范" in won and "外卖骑手职业技能竞赛" in won and "一等奖" in won
    screenshot(page, "portal/my-honours")
