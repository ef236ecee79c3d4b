"""我的福利: campaigns I can claim now and where, those I cannot and why, what I received, and
booking physical exams, counselling and recuperation (seed §二(二)8; SPEC §5)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongyou.benefits import queries
from gongyou.benefits.appointments import book_appointment, cancel_appointment
from gongyou.benefits.errors import Refused
from gongyou.core.actors import Actor
from gongyou.members.models import Membership
from gongyou.portal.session import member_required
from gongyou.portal.views.common import page


def _actor(membership: Membership) -> Actor:
    return Actor.worker(membership.member_no or "")


@member_required
@require_GET
def benefits(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    street = membership.person.work_street
    offers = queries.campaigns_for_member(membership)
    claimable = [
        {"campaign": o.campaign, "places": queries.handout_positions(o.campaign, street)}
        for o in offers
        if o.reason is None
    ]
    refused = [o for o in offers if o.reason is not None]
    return page(
        request,
        "portal/benefits/benefits.html",
        {
            "membership": membership,
            "street": street,
            "claimable": claimable,
            "refused": refused,
            "received": queries.claims_of(membership),
            "can_show_card": membership.status in Membership.OPEN_STATUSES,
        },
    )


@member_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return page(
        request,
        "portal/benefits/appointments.html",
        {
            "membership": membership,
            "slots": queries.open_slots_for_member(membership),
            "mine": queries.appointments_of(membership),
        },
    )


@member_required
@require_POST
def appointment_book(request: HttpRequest, pk: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    slot = get_object_or_404(queries.slots_offered_to(membership), pk=pk)
    try:
        book_appointment(slot, membership, actor=_actor(membership))
    except Refused as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("预约成功：%(place)s") % {"place": slot.place})
    return redirect("portal:appointments")


@member_required
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    appointment = queries.appointment_of(membership, pk)
    if appointment is None:
        raise Http404
    try:
        cancel_appointment(appointment, actor=_actor(membership))
    except Refused as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("预约已取消"))
    return redirect("portal:appointments")
