"""我的福利, appointments and insurance in English show no Chinese UI text (names stored as data
— unions, streets, positions — are taken out first)."""

import datetime as dt
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gongyou.benefits.appointments import book_appointment, create_slot
from gongyou.benefits.inputs import clean_plan
from gongyou.benefits.insurance import create_plan, enrol_member, set_plan_status
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND
from gongyou.core.models import Org, Region
from gongyou.positions.models import ServicePosition

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def visible_text(html):
    main = html.split('<main class="portal-main">', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    names = set(Org.objects.values_list("name", flat=True)) | set(Region.objects.values_list("name", flat=True))
    names |= set(ServicePosition.objects.values_list("name", flat=True)) | set(
        ServicePosition.objects.values_list("address", flat=True)
    )
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def test_the_benefit_pages_in_english(member_client, member, world, make_campaign, make_position):
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    make_position(name="Relay point")
    make_campaign(title="Summer cooling")
    make_campaign(title="Express only", kind="safety", audience={"industries": ["express"]})
    starts = timezone.now() + dt.timedelta(days=2)
    slot = create_slot(
        kind="physical_exam",
        org=world.city,
        place="Clinic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=3,
        actor=COMMAND,
    )
    create_slot(
        kind="counselling",
        org=world.city,
        place="Room 2",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=3,
        actor=COMMAND,
    )
    book_appointment(slot, member, actor=COMMAND)
    roster(world, member, 500)
    plan = set_plan_status(
        create_plan(
            clean_plan(plan_data(name="Rider cover", insurer="Insurer", cover_summary="Accidents")),
            org=world.city,
            actor=COMMAND,
        ),
        "open",
        actor=COMMAND,
    )
    other = set_plan_status(
        create_plan(
            clean_plan(plan_data(name="Second cover", insurer="Insurer", cover_summary="More")),
            org=world.city,
            actor=COMMAND,
        ),
        "open",
        actor=COMMAND,
    )
    enrolment = enrol_member(plan, member, channel="worker", consent_version="x", actor=COMMAND)
    pages = {
        reverse("portal:benefits"): "My benefits",
        reverse("portal:appointments"): "My appointments",
        reverse("portal:insurance"): "Agree and enrol",
        reverse("portal:incident", args=[enrolment.pk]): "Submit report",
    }
    for url, english in pages.items():
        html = member_client.get(url).content.decode()
        assert english in html, url
        assert CJK.findall(visible_text(html)) == [], url
    assert other.name in member_client.get(reverse("portal:insurance")).content.decode()
