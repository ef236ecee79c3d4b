"""专属保障 in the portal: open plans with eligibility in words, enrolment only with explicit
consent (recorded), my enrolment and its status, incident reports with checked photos."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongyou.benefits.inputs import clean_plan
from gongyou.benefits.insurance import create_plan, enrol_member, set_plan_status
from gongyou.benefits.models import Enrolment, Incident, IncidentPhoto
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND
from gongyou.portal.views.insurance import INSURER_CONSENT_VERSION

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def plan(world):
    plan = create_plan(clean_plan(plan_data(name="骑手专享保障", insurer="示例保险")), org=world.city, actor=COMMAND)
    return set_plan_status(plan, "open", actor=COMMAND)


@pytest.fixture
def rostered(world, member):
    roster(world, member, 500)
    return member


@pytest.fixture
def photo_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "incident_photos"


def page_of(client):
    return client.get(reverse("portal:insurance")).content.decode()


def test_insurance_needs_a_login(client, world):
    assert client.get(reverse("portal:insurance")).status_code == 302


def test_an_open_plan_shows_my_share_and_the_consent_to_give(member_client, rostered, plan):
    body = page_of(member_client)
    assert "骑手专享保障" in body and "个人承担 10.00 元" in body
    assert f'value="{INSURER_CONSENT_VERSION}"' in body and "提供给示例保险" in body


def test_without_work_proof_the_reason_is_given_in_words_and_no_form(member_client, member, plan):
    body = page_of(member_client)
    assert "平台名册或用工单位中没有您的在岗记录" in body
    assert reverse("portal:insurance_enrol", args=[plan.pk]) not in body


def test_enrolling_without_consent_is_refused(member_client, rostered, plan):
    body = member_client.post(reverse("portal:insurance_enrol", args=[plan.pk]), follow=True).content.decode()
    assert "投保前需要同意把您的信息提供给保险公司" in body
    assert not Enrolment.objects.exists()


def test_enrolling_with_consent_records_it_and_shows_the_status(member_client, rostered, plan, world):
    url = reverse("portal:insurance_enrol", args=[plan.pk])
    body = member_client.post(url, {"consent": INSURER_CONSENT_VERSION}, follow=True).content.decode()
    enrolment = Enrolment.objects.get(person=rostered.person)
    assert (enrolment.channel, enrolment.consent_version, enrolment.platform) == (
        "worker",
        INSURER_CONSENT_VERSION,
        world.platform,
    )
    assert enrolment.consent_at is not None
    assert "已提交投保" in body and "待承保" in body and "已参保" in body
    again = member_client.post(url, {"consent": INSURER_CONSENT_VERSION}, follow=True).content.decode()
    assert "已经参保了" in again and Enrolment.objects.count() == 1


def test_a_plan_of_another_street_is_not_offered(member_client, rostered, world):
    other = create_plan(clean_plan(plan_data(name="别的街道保障")), org=world.other_street_fed, actor=COMMAND)
    set_plan_status(other, "open", actor=COMMAND)
    assert "别的街道保障" not in page_of(member_client)
    response = member_client.post(
        reverse("portal:insurance_enrol", args=[other.pk]), {"consent": INSURER_CONSENT_VERSION}
    )
    assert response.status_code == 404


def _enrolled(rostered, plan):
    return enrol_member(plan, rostered, channel="worker", consent_version="x", actor=COMMAND)


def _incident(**overrides):
    data = {
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "漕溪北路路口",
        "description": "送餐途中被电动车撞倒，右腿擦伤",
    }
    data.update(overrides)
    return data


def test_an_incident_with_a_photo_is_reported_and_the_photo_kept_outside_the_web_root(
    member_client, rostered, plan, photo_dir
):
    enrolment = _enrolled(rostered, plan)
    photo = SimpleUploadedFile("scene.jpg", JPEG, content_type="image/jpeg")
    response = member_client.post(reverse("portal:incident", args=[enrolment.pk]), {**_incident(), "photos": [photo]})
    assert response.status_code == 302
    incident = Incident.objects.get(enrolment=enrolment)
    stored = IncidentPhoto.objects.get(incident=incident)
    assert (photo_dir / f"{stored.sha256}.jpg").read_bytes() == JPEG
    assert "已报案" in page_of(member_client)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("scene.gif", b"GIF89a" + b"\x00" * 20, "照片只能是 JPEG 或 PNG"), ("empty.jpg", b"", "照片是空的")],
)
def test_a_bad_photo_is_refused_in_words_and_nothing_is_kept(
    member_client, rostered, plan, photo_dir, name, content, message
):
    enrolment = _enrolled(rostered, plan)
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = member_client.post(reverse("portal:incident", args=[enrolment.pk]), {**_incident(), "photos": [photo]})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Incident.objects.exists() and not photo_dir.exists()


def test_a_too_large_photo_is_refused_by_its_size(member_client, rostered, plan, photo_dir):
    enrolment = _enrolled(rostered, plan)
    photo = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), content_type="image/jpeg")
    response = member_client.post(reverse("portal:incident", args=[enrolment.pk]), {**_incident(), "photos": [photo]})
    assert response.status_code == 400 and "照片不能超过 5 MB" in response.content.decode()
    assert not Incident.objects.exists()


def test_an_incident_outside_the_cover_is_refused_in_words(member_client, rostered, plan, photo_dir):
    enrolment = _enrolled(rostered, plan)
    before = (timezone.localtime() - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = member_client.post(reverse("portal:incident", args=[enrolment.pk]), _incident(occurred_at=before))
    assert response.status_code == 400 and "出险时间不在保障期内" in response.content.decode()


def test_someone_elses_enrolment_is_not_found(member_client, plan, make_member, world):
    other = make_member(501)
    roster(world, other, 501)
    enrolment = enrol_member(plan, other, channel="worker", consent_version="x", actor=COMMAND)
    assert member_client.get(reverse("portal:incident", args=[enrolment.pk])).status_code == 404


def test_the_page_costs_the_same_queries_with_more_plans_enrolments_and_incidents(member_client, rostered, plan, world):
    enrolment = _enrolled(rostered, plan)
    with CaptureQueriesContext(connection) as few:
        page_of(member_client)
    for n in range(2):
        more = set_plan_status(
            create_plan(clean_plan(plan_data(name=f"方案{n}")), org=world.city, actor=COMMAND), "open", actor=COMMAND
        )
        enrol_member(more, rostered, channel="worker", consent_version="x", actor=COMMAND)
        Incident.objects.create(
            enrolment=enrolment, occurred_at=timezone.now(), place="p", description="d", reported_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as many:
        body = page_of(member_client)
    assert "方案1" in body
    assert len(many) == len(few)
