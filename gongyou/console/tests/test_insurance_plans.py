"""Running an insurance plan in the console: created from yuan (kept in fen exactly), opened,
a member enrolled by staff, a platform's rostered members in bulk, each share's payment
recorded; viewers 403, outsiders 404, staff below the organiser cannot run it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.inputs import clean_plan
from gongyou.benefits.insurance import create_plan, set_plan_status
from gongyou.benefits.models import Enrolment, InsurancePlan
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog


@pytest.fixture
def logged_in(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


def form(**overrides):
    today = timezone.localdate()
    data = {
        "name": "灵活就业会员专享基本保障", "insurer": "示例人寿", "cover_summary": "意外医疗",
        "premium_yuan": "120.30", "union_share_yuan": "60.15", "platform_share_yuan": "40.1", "worker_share_yuan": "20.05",
        "enrol_from": str(today), "enrol_until": str(today + dt.timedelta(days=30)),
        "cover_from": str(today), "cover_until": str(today + dt.timedelta(days=365)),
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def open_plan(world):
    plan = create_plan(clean_plan(plan_data()), org=world.street_fed, actor=COMMAND)
    return set_plan_status(plan, "open", actor=COMMAND)


def test_a_plan_typed_in_yuan_is_kept_in_fen_and_shown_in_yuan(world, logged_in):
    client = logged_in("street")
    response = client.post("/console/insurance/new/", form())
    plan = InsurancePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/insurance/{plan.pk}/"
    assert (plan.org, plan.status) == (world.street_fed, "draft")
    assert (plan.premium_fen, plan.union_share_fen, plan.platform_share_fen, plan.worker_share_fen) == (
        12030,
        6015,
        4010,
        2005,
    )
    html = client.get(f"/console/insurance/{plan.pk}/").content.decode()
    assert "120.30" in html and "40.10" in html and "开放投保" in html
    client.post(f"/console/insurance/{plan.pk}/open/")
    assert InsurancePlan.objects.get().status == "open"
    assert AuditLog.objects.filter(action="insurance_plan.create", actor_label="staff:street").exists()


def test_bad_amounts_and_a_split_off_by_a_fen_are_shown(logged_in):
    client = logged_in("street")
    response = client.post("/console/insurance/new/", form(premium_yuan="120.301"))
    assert response.status_code == 400 and "金额应为元，最多两位小数" in response.content.decode()
    response = client.post("/console/insurance/new/", form(worker_share_yuan="20.04"))
    assert response.status_code == 400 and "工会、平台、个人承担部分之和必须等于保费" in response.content.decode()
    assert not InsurancePlan.objects.exists()


def test_staff_enrol_a_member_and_record_each_share_paid(world, logged_in, open_plan, make_member):
    member = make_member(1)
    roster(world, member, 1)
    client = logged_in("street")
    client.post(f"/console/insurance/{open_plan.pk}/enrol/", {"member_no": member.member_no})
    enrolment = Enrolment.objects.get()
    assert (enrolment.membership, enrolment.channel, enrolment.platform) == (member, "staff", world.platform)
    assert (enrolment.union_payment, enrolment.platform_payment, enrolment.worker_payment) == ("due", "due", "due")
    assert "记为已缴" in client.get(f"/console/insurance/{open_plan.pk}/").content.decode()
    response = client.post(f"/console/insurance/enrolments/{enrolment.pk}/pay/platform/")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.union_payment, enrolment.platform_payment) == ("due", "paid")
    assert client.post(f"/console/insurance/enrolments/{enrolment.pk}/pay/bogus/").status_code == 404


def test_a_member_out_of_scope_cannot_be_enrolled(world, logged_in, open_plan, make_member):
    member = make_member(2, street_code=world.other_street.code)
    roster(world, member, 2)
    response = logged_in("street").post(
        f"/console/insurance/{open_plan.pk}/enrol/", {"member_no": member.member_no}, follow=True
    )
    assert "在您的范围内找不到这个会员编号" in response.content.decode() and not Enrolment.objects.exists()


def test_bulk_enrolment_of_a_platforms_rostered_members(world, logged_in, open_plan, make_member):
    rostered = [make_member(seq) for seq in (1, 2)]
    for seq, member in enumerate(rostered):
        roster(world, member, seq)
    make_member(3)  # not on the roster
    client = logged_in("street")
    assert world.platform.name in client.get(f"/console/insurance/{open_plan.pk}/").content.decode()
    response = client.post(f"/console/insurance/{open_plan.pk}/bulk/", {"platform": world.platform.pk}, follow=True)
    assert "已投保 2 人" in response.content.decode()
    assert sorted(e.membership_id for e in Enrolment.objects.filter(channel="bulk")) == sorted(m.pk for m in rostered)


def test_viewers_outsiders_and_staff_below_the_organiser(world, logged_in, open_plan):
    assert (
        logged_in("viewer")
        .post(f"/console/insurance/{open_plan.pk}/bulk/", {"platform": world.platform.pk})
        .status_code
        == 403
    )
    assert logged_in("other_street").get(f"/console/insurance/{open_plan.pk}/").status_code == 404
    assert (
        logged_in("station")
        .post(f"/console/insurance/{open_plan.pk}/bulk/", {"platform": world.platform.pk})
        .status_code
        == 403
    )
    assert not Enrolment.objects.exists()
