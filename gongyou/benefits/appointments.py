"""Appointments for physical exams, counselling and recuperation: slots with a capacity,
booking and cancelling, attendance and the day-before SMS reminder (seed §二(二)8: 疗休养、
心理咨询、送体检). A slot's `booked` changes only under its row lock and a CHECK constraint."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.benefits.eligibility import ineligibility
from gongyou.benefits.errors import Refused
from gongyou.benefits.events import record_service_event
from gongyou.benefits.models import Appointment, AppointmentSlot, Campaign
from gongyou.benefits.services import not_eligible
from gongyou.benefits.vocab import AppointmentKind, AppointmentStatus, ServiceKind
from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.core.sms import SmsBackend, SmsError, get_backend
from gongyou.members.models import Membership
from gongyou.positions.models import ServicePosition

logger = logging.getLogger(__name__)
S = AppointmentStatus


@transaction.atomic
def create_slot(
    *,
    kind: str,
    org: Org,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    actor: Actor,
    position: ServicePosition | None = None,
    campaign: Campaign | None = None,
) -> AppointmentSlot:
    if kind not in AppointmentKind.values:
        raise Refused("bad_kind", _("请选择预约类型"), field="kind")
    if ends_at <= starts_at:
        raise Refused("before_start", _("结束时间应晚于开始时间"), field="ends_at")
    if isinstance(capacity, bool) or capacity < 1:
        raise Refused("invalid", _("名额应为正整数"), field="capacity")
    slot = AppointmentSlot.objects.create(
        kind=kind, org=org, place=place.strip()[:200], starts_at=starts_at, ends_at=ends_at, capacity=capacity,
        position=position, campaign=campaign,
    )  # fmt: skip
    audit.record(actor, "appointment_slot.create", slot, after={"kind": kind, "capacity": capacity, "starts_at": starts_at.isoformat()}, org=org)
    return slot


@transaction.atomic
def book_appointment(slot: AppointmentSlot, membership: Membership, *, actor: Actor, now: dt.datetime | None = None) -> Appointment:
    """Book a place for an active member (who must also fit the slot's campaign audience). The
    slot row is locked, so concurrent bookings queue and never pass the capacity."""
    now = now or timezone.now()
    locked = AppointmentSlot.objects.select_for_update().get(pk=slot.pk)
    if locked.cancelled or locked.starts_at <= now:
        raise Refused("slot_closed", _("这个时段已不能预约"), field="slot")
    membership = Membership.objects.select_related("person__work_street").get(pk=membership.pk)
    if locked.campaign_id is not None:
        reason = ineligibility(Campaign.objects.get(pk=locked.campaign_id), membership, now=now)
    else:
        reason = "status" if membership.status != Membership.Status.ACTIVE else None
    if reason:
        raise not_eligible(reason)
    if Appointment.objects.filter(slot=locked, person_id=membership.person_id, status__in=Appointment.HOLDS_PLACE).exists():
        raise Refused("already_booked", _("您已经预约了这个时段"), field="slot", conflict=True)
    if locked.booked >= locked.capacity:
        raise Refused("slot_full", _("这个时段已约满"), field="slot", conflict=True)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(slot=locked, person_id=membership.person_id, membership=membership, booked_at=now)
    except IntegrityError:
        raise Refused("already_booked", _("您已经预约了这个时段"), field="slot", conflict=True) from None
    AppointmentSlot.objects.filter(pk=locked.pk).update(booked=F("booked") + 1)
    audit.record(actor, "appointment.book", appointment, after={"slot": locked.pk, "member_no": membership.member_no}, org=locked.org)
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, actor: Actor, now: dt.datetime | None = None) -> Appointment:
    now = now or timezone.now()
    slot = AppointmentSlot.objects.select_for_update().get(pk=appointment.slot_id)  # slot first, as in booking
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != S.BOOKED or slot.starts_at <= now:
        raise Refused("not_cancellable", _("这个预约已不能取消"), field="appointment")
    locked.status, locked.cancelled_at = S.CANCELLED, now
    locked.save(update_fields=["status", "cancelled_at"])
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)
    audit.record(actor, "appointment.cancel", locked, before={"status": S.BOOKED}, after={"status": S.CANCELLED}, org=slot.org)
    return locked


@transaction.atomic
def record_attendance(appointment: Appointment, *, attended: bool, actor: Actor, now: dt.datetime | None = None) -> Appointment:
    """Staff mark who came; an attended appointment is a service event."""
    now = now or timezone.now()
    # Lock only the appointment row: PostgreSQL refuses FOR UPDATE on the nullable side (slot.position) of the join.
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("slot__position", "person").get(pk=appointment.pk)
    if locked.status not in (S.BOOKED, S.NO_SHOW) or (locked.status == S.NO_SHOW and not attended):
        raise Refused("bad_status", _("这个预约的状态不能登记到场"), field="appointment")
    before = locked.status
    locked.status = S.ATTENDED if attended else S.NO_SHOW
    locked.attended_at = now if attended else None
    locked.save(update_fields=["status", "attended_at"])
    slot = locked.slot
    if attended:
        record_service_event(person=locked.person, kind=ServiceKind.APPOINTMENT, org=slot.org, position=slot.position, at=now, source_id=locked.pk)
    audit.record(actor, "appointment.attendance", locked, before={"status": before}, after={"status": locked.status}, org=slot.org)
    return locked


# --- reminders ---------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    sent: int = 0
    failed: int = 0


def reminder_text(appointment: Appointment) -> str:
    # Carriers require a fixed Chinese template with the signature, whatever the UI language.
    slot = appointment.slot
    start = timezone.localtime(slot.starts_at)
    kind = dict(AppointmentKind.choices)[slot.kind]
    return f"【工友】提醒您：您预约的{kind}在明天{start:%H:%M}，地点：{slot.place}。如不能前往，请在“我的福利”中取消。"


def send_appointment_reminders(*, now: dt.datetime | None = None, backend: SmsBackend | None = None, actor: Actor) -> ReminderRun:
    """SMS every booked member whose slot starts tomorrow (Shanghai date), once: the appointment
    is marked before sending and unmarked if the gateway fails, so a re-run retries only those."""
    now = now or timezone.now()
    backend = backend or get_backend()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    due = Appointment.objects.select_related("slot", "person", "slot__org").filter(
        status=S.BOOKED, reminded_at__isnull=True, slot__cancelled=False,
        slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1),
    )  # fmt: skip
    run = ReminderRun()
    for appointment in due.order_by("slot__starts_at", "id"):
        if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue  # another run took it
        try:
            backend.send(crypto.decrypt(appointment.person.phone_enc), reminder_text(appointment), purpose="appointment_reminder", code="")
        except SmsError:
            Appointment.objects.filter(pk=appointment.pk).update(reminded_at=None)
            run.failed += 1
            continue
        audit.record(actor, "appointment.remind", appointment, org=appointment.slot.org)
        run.sent += 1
    return run
