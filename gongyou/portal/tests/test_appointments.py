"""Appointments in the portal: open slots I may book, booking and cancelling through
benefits.appointments, refusals in words, my appointments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongyou.benefits.appointments import book_appointment, create_slot
from gongyou.benefits.models import Appointment, AppointmentSlot
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog


@pytest.fixture
def make_slot(world):
    def make(org=None, capacity=2, place="徐汇区职工体检中心", kind="physical_exam", days=2, **kw):
        starts = timezone.now() + dt.timedelta(days=days)
        return create_slot(
            kind=kind, org=org or world.city, place=place, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            capacity=capacity, actor=COMMAND, **kw,
        )  # fmt: skip

    return make


def body_of(client):
    return client.get(reverse("portal:appointments")).content.decode()


def test_appointments_need_a_login(client, world):
    assert client.get(reverse("portal:appointments")).status_code == 302


def test_open_slots_of_my_union_and_above_are_listed_not_other_streets(member_client, world, make_slot):
    make_slot(place="市总体检中心")
    make_slot(org=world.other_street_union, place="别的街道心理咨询室", kind="counselling")
    body = body_of(member_client)
    assert "市总体检中心" in body and "别的街道心理咨询室" not in body


def test_a_campaign_slot_is_listed_only_when_i_fit_its_audience(member_client, make_slot, make_campaign):
    mine = make_campaign(title="骑手疗休养", kind="recuperation")
    other = make_campaign(title="快递疗休养", kind="recuperation", audience={"industries": ["express"]})
    make_slot(place="崇明疗休养基地", kind="recuperation", campaign=mine)
    make_slot(place="快递员疗休养基地", kind="recuperation", campaign=other)
    body = body_of(member_client)
    assert "崇明疗休养基地" in body and "快递员疗休养基地" not in body


def test_booking_a_slot_records_it_and_shows_it_in_my_appointments(member_client, member, make_slot):
    slot = make_slot()
    response = member_client.post(reverse("portal:appointment_book", args=[slot.pk]), follow=True)
    body = response.content.decode()
    assert "预约成功" in body
    appointment = Appointment.objects.get(slot=slot, person=member.person)
    assert appointment.status == "booked"
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1
    assert AuditLog.objects.filter(action="appointment.book").exists()
    assert reverse("portal:appointment_cancel", args=[appointment.pk]) in body


def test_a_full_slot_is_refused_in_words(member_client, make_slot, make_member):
    slot = make_slot(capacity=1)
    book_appointment(slot, make_member(501), actor=COMMAND)
    assert "徐汇区职工体检中心" not in body_of(member_client)  # full: no longer offered
    body = member_client.post(reverse("portal:appointment_book", args=[slot.pk]), follow=True).content.decode()
    assert "这个时段已约满" in body
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_slot_of_a_campaign_i_do_not_fit_is_refused_with_the_reason(member_client, make_slot, make_campaign):
    campaign = make_campaign(title="快递疗休养", kind="recuperation", audience={"industries": ["express"]})
    slot = make_slot(kind="recuperation", campaign=campaign)
    body = member_client.post(reverse("portal:appointment_book", args=[slot.pk]), follow=True).content.decode()
    assert "这项活动只面向其他行业的劳动者" in body
    assert not Appointment.objects.filter(slot=slot).exists()


def test_cancelling_frees_the_place(member_client, member, make_slot):
    slot = make_slot()
    appointment = book_appointment(slot, member, actor=COMMAND)
    body = member_client.post(reverse("portal:appointment_cancel", args=[appointment.pk]), follow=True).content.decode()
    assert "预约已取消" in body
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 0


def test_someone_elses_appointment_cannot_be_cancelled(member_client, make_slot, make_member):
    appointment = book_appointment(make_slot(), make_member(501), actor=COMMAND)
    response = member_client.post(reverse("portal:appointment_cancel", args=[appointment.pk]))
    assert response.status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == "booked"


def test_booking_is_post_only(member_client, make_slot):
    slot = make_slot()
    assert member_client.get(reverse("portal:appointment_book", args=[slot.pk])).status_code == 405


def test_the_page_costs_the_same_queries_with_more_slots_and_bookings(member_client, member, make_slot, make_campaign):
    book_appointment(make_slot(place="一号"), member, actor=COMMAND)
    make_slot(place="二号")
    with CaptureQueriesContext(connection) as few:
        body_of(member_client)
    campaign = make_campaign(title="疗休养", kind="recuperation")
    for n in range(3):
        book_appointment(make_slot(place=f"已约{n}"), member, actor=COMMAND)
        make_slot(place=f"可约{n}", kind="recuperation", campaign=campaign)
    with CaptureQueriesContext(connection) as many:
        body = body_of(member_client)
    assert "已约2" in body and "可约2" in body
    assert len(many) == len(few)


def test_a_slot_of_another_street_union_cannot_be_booked_by_its_number(member_client, world, make_slot):
    slot = make_slot(org=world.other_street_union, kind="counselling")
    assert member_client.post(reverse("portal:appointment_book", args=[slot.pk])).status_code == 404
    assert not Appointment.objects.filter(slot=slot).exists()
