from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from gongyou.benefits import access
from gongyou.benefits.appointments import (
    book_appointment,
    cancel_appointment,
    create_slot,
    record_attendance,
    send_appointment_reminders,
)
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import check_photo, clean_plan
from gongyou.benefits.insurance import (
    INSURED_COLUMNS,
    create_plan,
    enrol_member,
    enrol_platform_members,
    export_insured_list_full,
    import_insurer_statuses,
    insured_list_rows,
    record_payment,
    report_incident,
    set_plan_status,
)  # fmt: skip
from gongyou.benefits.models import AppointmentSlot, Enrolment, ServiceEvent
from gongyou.benefits.queries import campaigns_for_member, people_served, people_served_for, served_by_street
from gongyou.benefits.services import claim_benefit
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.sms import ConsoleBackend
from gongyou.core.testing import make_id_number
from gongyou.members.models import Membership, RosterEntry
from gongyou.positions.services import record_checkin


def slot(world, days=1, capacity=2, hour=10):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))
    return create_slot(kind="counselling", org=world.street_fed, place="职工服务站", starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=capacity, actor=COMMAND)


def test_book_cancel_attend_and_remind(world, make_member, settings):
    settings.GONGYOU_SMS_BACKEND = "gongyou.core.sms.ConsoleBackend"
    cache.clear()
    s = slot(world)
    a, b = make_member(1), make_member(2)
    first = book_appointment(s, a, actor=Actor.worker())
    with pytest.raises(Refused) as info:
        book_appointment(s, a, actor=Actor.worker())
    assert info.value.code == "already_booked"
    book_appointment(s, b, actor=Actor.worker())
    with pytest.raises(Refused) as info:
        book_appointment(s, make_member(3), actor=Actor.worker())
    assert info.value.code == "slot_full"
    cancel_appointment(first, actor=Actor.worker())
    assert AppointmentSlot.objects.get(pk=s.pk).booked == 1
    again = book_appointment(s, a, actor=Actor.worker())
    slot(world, days=2)  # not tomorrow: no reminder
    run = send_appointment_reminders(actor=COMMAND)
    assert (run.sent, run.failed) == (2, 0)
    assert [m.purpose for m in ConsoleBackend.recent()] == ["appointment_reminder"] * 2
    call_command("send_appointment_reminders", stdout=io.StringIO())
    assert len(ConsoleBackend.recent()) == 2  # each member is reminded once
    done = record_attendance(again, attended=True, actor=COMMAND)
    assert done.status == "attended"
    event = ServiceEvent.objects.get(kind="appointment")
    assert (event.person_id, event.org_id, event.source_id) == (a.person_id, world.street_fed.pk, again.pk)


def test_a_suspended_member_cannot_book(world, make_member):
    m = make_member(1)
    Membership.objects.filter(pk=m.pk).update(status="suspended")
    with pytest.raises(Refused) as info:
        book_appointment(slot(world), Membership.objects.get(pk=m.pk), actor=Actor.worker())
    assert (info.value.code, info.value.reason) == ("not_eligible", "status")


def plan_data(**overrides):
    today = timezone.localdate()
    data = {"name": "灵活就业会员专享基本保障", "insurer": "示例保险", "cover_summary": "意外身故、伤残、医疗",
            "premium_fen": 10000, "union_share_fen": 6000, "platform_share_fen": 3000, "worker_share_fen": 1000,
            "enrol_from": today - dt.timedelta(days=1), "enrol_until": today + dt.timedelta(days=30),
            "cover_from": today - dt.timedelta(days=1), "cover_until": today + dt.timedelta(days=365)}
    data.update(overrides)
    return data


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(-5, 5), st.sampled_from([int, str, float]))
def test_shares_must_sum_exactly_to_the_premium(union, platform, worker, delta, kind):
    premium = union + platform + worker + delta
    values = {k: kind(v) for k, v in {"premium_fen": premium, "union_share_fen": union, "platform_share_fen": platform, "worker_share_fen": worker}.items()}
    ok = delta == 0 and premium >= 0 and kind is not float
    try:
        plan = clean_plan(plan_data(**values))
    except ValidationError as exc:
        assert not ok, exc
        return
    assert ok and plan.union_share_fen + plan.platform_share_fen + plan.worker_share_fen == plan.premium_fen


def roster(world, membership, seq, active=True):
    now = timezone.now()
    RosterEntry.objects.create(
        enterprise=world.platform, external_id=f"R{seq}", name="x", id_hash=membership.person.id_hash, id_enc="", id_masked="",
        phone_hash="", phone_enc="", phone_masked="", street=world.street, labor_relation="independent", industry="food_delivery",
        active=active, first_seen_at=now, last_seen_at=now, updated_at=now,
    )  # fmt: skip


def test_insurance_enrolment_payments_list_and_imports(world, make_member, personas):
    plan = create_plan(clean_plan(plan_data()), org=world.city, actor=COMMAND)
    a, b, c = make_member(1), make_member(2), make_member(3)
    with pytest.raises(Refused) as info:
        enrol_member(plan, a, channel="worker", consent_version="2026-11", actor=Actor.worker())
    assert info.value.code == "window_closed"  # still a draft
    set_plan_status(plan, "open", actor=COMMAND)
    plan.refresh_from_db()
    with pytest.raises(Refused) as info:
        enrol_member(plan, a, channel="worker", consent_version="2026-11", actor=Actor.worker())
    assert (info.value.code, info.value.reason) == ("not_eligible", "no_work_proof")
    roster(world, a, 1)
    roster(world, b, 2)
    roster(world, c, 3, active=False)
    with pytest.raises(Refused) as info:
        enrol_member(plan, a, channel="worker", actor=Actor.worker())
    assert info.value.code == "consent_required"
    e = enrol_member(plan, a, channel="worker", consent_version="2026-11", actor=Actor.worker())
    assert (e.platform, e.consent_version, e.worker_payment, e.platform_payment) == (world.platform, "2026-11", "due", "due")
    result = enrol_platform_members(plan, world.platform, actor=COMMAND)
    assert result.enrolled == 1 and result.refused == {"already_enrolled": 1}
    assert Enrolment.objects.filter(plan=plan).count() == 2
    assert ServiceEvent.objects.filter(kind="insurance").count() == 2
    record_payment(e, "worker", actor=COMMAND)
    with pytest.raises(Refused):
        record_payment(e, "worker", actor=COMMAND)
    rows = list(insured_list_rows(plan))
    assert len(rows) == 2 and all(len(r) == len(INSURED_COLUMNS) for r in rows)
    assert rows[0][3] == a.person.id_masked and "*" in rows[0][3]
    with pytest.raises(PermissionDenied):
        access.require_admin(personas["street"])
    full = export_insured_list_full(plan, reason="报送保险公司", actor=Actor.staff(personas["city"]))
    assert full[0][3] == make_id_number(1)
    assert AuditLog.objects.filter(action="reveal.insured_list", reason="报送保险公司").exists()
    imported = import_insurer_statuses(plan, [
        {"enrolment_id": e.pk, "status": "已承保", "policy_no": "P-1"},
        {"enrolment_id": 999999, "status": "accepted"},
        {"enrolment_id": e.pk, "status": "maybe"},
    ], actor=COMMAND)  # fmt: skip
    assert imported.updated == 1 and [(r, f, c) for r, f, c, _m in imported.errors] == [(2, "enrolment_id", "unknown_enrolment"), (3, "status", "bad_status")]
    e.refresh_from_db()
    assert (e.insurer_status, e.policy_no) == ("accepted", "P-1")
    photo = check_photo("a.jpg", 2000, b"\xff\xd8\xff\xe0rest")
    incident = report_incident(e, occurred_at=timezone.now() - dt.timedelta(hours=2), place="漕溪北路", description="摔倒", photos=[photo], actor=Actor.worker())
    assert incident.photos.get().content_type == "image/jpeg"
    with pytest.raises(Refused) as info:
        report_incident(e, occurred_at=timezone.now() - dt.timedelta(days=30), place="x", description="y", actor=Actor.worker())
    assert info.value.code == "not_covered"


def test_the_database_holds_the_premium_split(world):
    from django.db import IntegrityError, transaction

    plan = create_plan(clean_plan(plan_data()), org=world.city, actor=COMMAND)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(plan).objects.filter(pk=plan.pk).update(worker_share_fen=1001)


@pytest.mark.parametrize(
    ("name", "size", "head", "code"),
    [("a.png", 10, b"\x89PNG\r\n\x1a\nxx", None), ("a.jpg", 6 * 1024 * 1024, b"\xff\xd8\xff", "too_large"),
     ("a.jpg", 10, b"GIF89a", "bad_type"), ("a.jpg", 0, b"\xff\xd8\xff", "empty")],
)  # fmt: skip
def test_photo_checks(name, size, head, code):
    if code is None:
        assert check_photo(name, size, head).content_type == "image/png"
    else:
        with pytest.raises(ValidationError) as info:
            check_photo(name, size, head)
        assert info.value.error_dict["photo"][0].code == code


def test_people_served_counts_distinct_persons_by_scope_and_period(world, make_member, make_campaign, make_position, personas):
    a, b = make_member(1), make_member(2)
    c = make_member(3, street_code=world.other_street.code, industry="express")
    for m in (a, b):
        claim_benefit(make_campaign() if m is a else make_campaign(), member_no=m.member_no, org=world.street_fed, actor=COMMAND)
    position = make_position(org=world.street_fed)
    record_checkin(position, membership=a, actor=Actor.worker())
    record_checkin(position, actor=Actor.worker())  # anonymous: no person to count
    other = make_position(org=world.other_street_fed, street=world.other_street, name="另一个驿站")
    record_checkin(other, membership=c, actor=Actor.worker())
    city = people_served(None)
    assert (city.people_served, city.events, city.by_kind) == (3, 4, {"handout": 2, "checkin": 2})
    street = people_served_for(personas["street"])
    assert (street.people_served, street.events) == (2, 3)
    assert people_served_for(personas["other_street"]).people_served == 1
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert people_served(None, tomorrow, tomorrow).people_served == 0
    assert people_served(None, timezone.localdate(), timezone.localdate()).people_served == 3
    rows = served_by_street(personas["city"])
    assert {(r["street_code"], r["people"]) for r in rows} == {(world.street.code, 2), (world.other_street.code, 1)}


def test_scoped_campaign_reads(world, make_campaign, personas):
    city_campaign = make_campaign(org=world.city)
    street_campaign = make_campaign(org=world.street_fed)
    other_campaign = make_campaign(org=world.other_street_fed)
    station = {c.pk for c in access.campaigns_for(personas["station"])}
    assert station == {city_campaign.pk, street_campaign.pk}
    assert {c.pk for c in access.campaigns_for(personas["city"])} == {city_campaign.pk, street_campaign.pk, other_campaign.pk}
    with pytest.raises(Http404):
        access.campaign_for(personas["street"], other_campaign.pk)
    assert access.campaign_for(personas["street"], street_campaign.pk).handed_out == 0


def test_my_benefits_lists_claimable_and_refused_campaigns(world, make_member, make_campaign):
    m = make_member(1)
    ok = make_campaign()
    express = make_campaign(audience={"industries": ["express"]})
    received = make_campaign()
    claim_benefit(received, member_no=m.member_no, org=world.city, actor=COMMAND)
    listed = {x.campaign.pk: x.reason for x in campaigns_for_member(m)}
    assert listed == {ok.pk: None, express.pk: "industry"}
