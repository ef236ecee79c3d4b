"""Appointment pages (issue 8 §4; seed §二(二)8: 体检, 心理咨询, 疗休养): slots in the staff
member's scope with capacity and bookings, creating a slot, the bookings and recording who came.
Lists export to Excel. Reads through benefits.access, writes through benefits.appointments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.benefits.access import appointments_for, slots_for
from gongyou.benefits.appointments import create_slot, record_attendance
from gongyou.benefits.inputs import clean_slot
from gongyou.benefits.models import Appointment, AppointmentSlot
from gongyou.benefits.vocab import AppointmentKind, AppointmentStatus
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import get_or_404, root_org
from gongyou.core.crypto import mask_name
from gongyou.core.errors import django_errors
from gongyou.positions.access import positions_for
from gongyou.positions.vocab import Status


def _slots(request: HttpRequest) -> QuerySet[AppointmentSlot]:
    qs = slots_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in AppointmentKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_at", "-id")


def _form_context(request: HttpRequest, errors: dict[str, Any], form: Any) -> dict[str, Any]:
    return {
        "kinds": AppointmentKind.choices,
        "positions": positions_for(request.user).exclude(status=Status.RETIRED).order_by("name", "id"),
        "errors": errors,
        "form": form,
    }


@console_view
def slot_list(request: HttpRequest) -> HttpResponse:
    context = {
        "can_write": can_write(request.user),
        "kinds": AppointmentKind.choices,
        **paginate(request, _slots(request)),
    }
    return render(request, "console/benefits/slots.html", context)


SLOT_HEADER = [
    _l("类型"),
    _l("工会"),
    _l("地点"),
    _l("服务阵地"),
    _l("开始时间"),
    _l("结束时间"),
    _l("名额"),
    _l("已预约"),
    _l("已取消"),
]


@console_view
def slot_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [s.get_kind_display(), s.org.name, s.place, s.position.name if s.position else "", timezone.localtime(s.starts_at),  # type: ignore[attr-defined]
         timezone.localtime(s.ends_at), s.capacity, s.booked, _("是") if s.cancelled else ""]
        for s in _slots(request).iterator(chunk_size=2000)
    )  # fmt: skip
    return excel.export(_("预约时段"), SLOT_HEADER, rows)


@console_view
def slot_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    if request.method == "POST":
        org = root_org(request.user)
        if org is None:
            raise Http404
        chosen = request.POST.get("position", "")
        position = positions_for(request.user).filter(pk=chosen).first() if chosen.isdigit() else None
        try:
            clean = clean_slot(request.POST)
            slot = create_slot(**clean.__dict__, org=org, position=position, actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已新建预约时段"))
            return redirect("console:slot", slot.pk)
    return render(
        request,
        "console/benefits/slot_form.html",
        _form_context(request, errors, request.POST),
        status=400 if errors else 200,
    )


@console_view
def slot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_or_404(slots_for(request.user), pk=pk)
    context = {
        "slot": slot,
        "rows": Appointment.objects.filter(slot=slot)
        .select_related("membership", "person")
        .order_by("booked_at", "id"),
        "can_write": can_write(request.user),
    }
    return render(request, "console/benefits/slot.html", context)


def _bookings(request: HttpRequest) -> QuerySet[Appointment]:
    qs = appointments_for(request.user)
    status = request.GET.get("status", "")
    if status in AppointmentStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-slot__starts_at", "id")


@console_view
def booking_list(request: HttpRequest) -> HttpResponse:
    context = {"statuses": AppointmentStatus.choices, **paginate(request, _bookings(request))}
    return render(request, "console/benefits/bookings.html", context)


BOOKING_HEADER = [
    _l("类型"),
    _l("时段开始"),
    _l("地点"),
    _l("会员编号"),
    _l("姓名"),
    _l("状态"),
    _l("预约时间"),
    _l("到场时间"),
]


@console_view
def booking_export(request: HttpRequest) -> HttpResponse:
    """Names masked, as on the page."""
    rows = (
        [a.slot.get_kind_display(), timezone.localtime(a.slot.starts_at), a.slot.place, a.membership.member_no,  # type: ignore[attr-defined]
         mask_name(a.person.name), a.get_status_display(), timezone.localtime(a.booked_at),  # type: ignore[attr-defined]
         timezone.localtime(a.attended_at) if a.attended_at else ""]
        for a in _bookings(request).iterator(chunk_size=2000)
    )  # fmt: skip
    return excel.export(_("预约名单"), BOOKING_HEADER, rows)


@console_view
def booking_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_or_404(appointments_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            record_attendance(appointment, attended=request.POST.get("attended") == "1", actor=actor(request))
        except ValidationError as exc:
            flash_error(request, exc)
    return redirect("console:slot", appointment.slot_id)
