"""Appointment pages: slots in scope with capacity and bookings, creating one through the
service, the bookings list, attendance recorded (a service event); Excel exports; outsiders 404,
viewers 403 on writes."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from gongyou.benefits.appointments import book_appointment, create_slot
from gongyou.benefits.models import Appointment, AppointmentSlot, ServiceEvent
from gongyou.core.actors import COMMAND
from gongyou.core.crypto import mask_name
from gongyou.core.models import AuditLog


@pytest.fixture
def logged_in(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


@pytest.fixture
def booked(world, make_member):
    start = timezone.now() + dt.timedelta(days=2)
    slot = create_slot(kind="physical_exam", org=world.street_fed, place="徐家汇社区卫生服务中心", starts_at=start,
                       ends_at=start + dt.timedelta(hours=2), capacity=5, actor=COMMAND)  # fmt: skip
    member = make_member(1)
    other = create_slot(kind="counselling", org=world.other_street_fed, place="湖南路心理咨询室", starts_at=start,
                        ends_at=start + dt.timedelta(hours=1), capacity=3, actor=COMMAND)  # fmt: skip
    return slot, book_appointment(slot, member, actor=COMMAND), other


def test_the_slot_list_shows_capacity_and_bookings_in_scope_and_exports(
    logged_in, booked, django_assert_max_num_queries
):
    slot, _appointment, other = booked
    client = logged_in("street")
    with django_assert_max_num_queries(12):
        html = client.get("/console/appointments/").content.decode()
    assert "徐家汇社区卫生服务中心" in html and "湖南路心理咨询室" not in html
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/console/appointments/export/").content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[6], r[7]) for r in rows] == [("徐家汇社区卫生服务中心", 5, 1)]


def test_create_a_slot_through_the_form(world, logged_in):
    response = logged_in("street").post(
        "/console/appointments/new/",
        {
            "kind": "counselling",
            "place": "徐家汇驿站",
            "starts_at": "2030-06-01T09:00",
            "ends_at": "2030-06-01T11:00",
            "capacity": "8",
        },
    )
    slot = AppointmentSlot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/appointments/{slot.pk}/"
    assert (slot.org, slot.kind, slot.capacity, timezone.localtime(slot.starts_at).hour) == (
        world.street_fed,
        "counselling",
        8,
        9,
    )
    assert AuditLog.objects.get(action="appointment_slot.create").actor_label == "staff:street"


def test_create_shows_every_error(logged_in):
    response = logged_in("street").post(
        "/console/appointments/new/",
        {"kind": "", "place": "", "starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T08:00", "capacity": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and not AppointmentSlot.objects.exists()
    assert "请选择预约类型" in html and "结束时间应晚于开始时间" in html and "名额应为正整数" in html


def test_bookings_list_masks_names_and_exports(logged_in, booked):
    _slot, appointment, _other = booked
    client = logged_in("street")
    html = client.get("/console/appointments/bookings/").content.decode()
    assert appointment.membership.member_no in html and mask_name(appointment.person.name) in html
    assert appointment.person.name not in html
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/console/appointments/bookings/export/").content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[3], r[4], r[5]) for r in rows] == [
        (appointment.membership.member_no, mask_name(appointment.person.name), "已预约")
    ]


def test_attendance_is_recorded_and_counted_as_served(logged_in, booked):
    slot, appointment, _other = booked
    client = logged_in("street")
    assert "已到场" in client.get(f"/console/appointments/{slot.pk}/").content.decode()
    response = client.post(f"/console/appointments/bookings/{appointment.pk}/attendance/", {"attended": "1"})
    assert response.status_code == 302 and response["Location"] == f"/console/appointments/{slot.pk}/"
    assert Appointment.objects.get().status == "attended"
    assert ServiceEvent.objects.filter(kind="appointment", person=appointment.person).count() == 1


def test_outsiders_do_not_see_the_slot_and_viewers_cannot_record(logged_in, booked):
    slot, appointment, _other = booked
    assert logged_in("other_street").get(f"/console/appointments/{slot.pk}/").status_code == 404
    assert (
        logged_in("other_street")
        .post(f"/console/appointments/bookings/{appointment.pk}/attendance/", {"attended": "1"})
        .status_code
        == 404
    )
    viewer = logged_in("viewer")
    assert "已到场" not in viewer.get(f"/console/appointments/{slot.pk}/").content.decode()
    assert (
        viewer.post(f"/console/appointments/bookings/{appointment.pk}/attendance/", {"attended": "1"}).status_code
        == 403
    )
    assert Appointment.objects.get().status == "booked"
