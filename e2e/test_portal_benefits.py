"""我的福利 on a phone: a rider logs in, sees a campaign they can claim (with where and until
when) and one they cannot (with the reason), books a physical exam and enrols in the gig
member insurance with consent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.appointments import create_slot
from gongyou.benefits.inputs import clean_campaign, clean_plan
from gongyou.benefits.insurance import create_plan, set_plan_status
from gongyou.benefits.models import Appointment, Enrolment
from gongyou.benefits.services import create_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Region
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.inputs import clean_position
from gongyou.positions.services import create_position
from gongyou.positions.tests.conftest import position_data

from .conftest import portal_login

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _seed(world):
    rider = join(clean_worker(worker_data(88)), channel="online", actor=Actor.worker()).membership
    roster(world, rider, 88)  # the platform's own data proves they work: insurance eligibility
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    data = position_data(world.street_fed, world.street, name="徐家汇爱心接力站")
    create_position(
        clean_position(data, orgs={str(world.street_fed.pk): world.street_fed}, streets=streets), actor=COMMAND
    )
    create_campaign(clean_campaign(campaign_data(title="夏日送清凉·绿豆汤")), org=world.city, actor=COMMAND)
    only_express = campaign_data(title="快递小哥冬季送温暖", kind="winter_warmth", audience={"industries": ["express"]})
    create_campaign(clean_campaign(only_express), org=world.city, actor=COMMAND)
    starts = timezone.now() + dt.timedelta(days=3)
    create_slot(
        kind="physical_exam", org=world.city, place="徐汇区职工体检中心", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), capacity=5, actor=COMMAND,
    )  # fmt: skip
    plan = create_plan(clean_plan(plan_data(name="骑手专享保障", insurer="示例保险")), org=world.city, actor=COMMAND)
    set_plan_status(plan, "open", actor=COMMAND)
    return rider


def test_a_rider_sees_benefits_books_an_exam_and_enrols(live_server, transactional_db, world, phone_page, screenshot):
    page = phone_page
    rider = _seed(world)
    phone = make_phone(88)

    portal_login(page, live_server.url, phone)

    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.click("a.btn:has-text('我的福利')")
    claimable = page.inner_text("#claimable")
    assert "夏日送清凉·绿豆汤" in claimable and "徐家汇爱心接力站" in claimable and "领取截止" in claimable
    refused = page.inner_text("#refused")
    assert "快递小哥冬季送温暖" in refused and "这项活动只面向其他行业的劳动者" in refused
    screenshot(page, "portal/benefits/20-my-benefits")

    with page.expect_navigation():
        page.click("text=预约体检、心理咨询、疗休养")
    assert "徐汇区职工体检中心" in page.inner_text("#slots")
    with page.expect_navigation():
        page.click("#slots button:has-text('预约')")
    assert "预约成功" in page.inner_text("main")
    assert "徐汇区职工体检中心" in page.inner_text("#mine")
    assert Appointment.objects.get(person=rider.person).status == "booked"
    screenshot(page, "portal/benefits/21-appointment-booked")

    page.click("text=返回我的福利")
    with page.expect_navigation():
        page.click("a.btn:has-text('专属保障')")
    assert "骑手专享保障" in page.inner_text("#plans")
    screenshot(page, "portal/benefits/22-insurance-plan")
    page.check("#plans input[name=consent]")
    with page.expect_navigation():
        page.click("text=同意并投保")
    assert "已提交投保" in page.inner_text("main")
    mine = page.inner_text("#enrolments")
    assert "骑手专享保障" in mine and "待承保" in mine
    enrolment = Enrolment.objects.get(person=rider.person)
    assert enrolment.channel == "worker" and enrolment.consent_at is not None
    screenshot(page, "portal/benefits/23-insurance-enrolled")
