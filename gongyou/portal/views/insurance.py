"""灵活就业会员专享基本保障 in the portal: the open plans and whether I may enrol (in words),
enrolling with explicit consent to share my data with the insurer, my enrolments and their
status, and reporting an incident with photos (seed §二(二)8; SPEC §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongyou.benefits import queries
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import MAX_PHOTO_BYTES, CleanPhoto, check_photo
from gongyou.benefits.insurance import (
    INSURANCE_REASONS,
    MAX_PHOTOS,
    enrol_member,
    insurance_ineligibility,
    report_incident,
)
from gongyou.benefits.photos import store_incident_photo
from gongyou.benefits.vocab import EnrolmentChannel, EnrolmentStatus
from gongyou.core.actors import Actor
from gongyou.members.models import Membership
from gongyou.portal.session import member_required
from gongyou.portal.views.common import page

# The version of the consent text in insurance.html; change it whenever that text changes.
INSURER_CONSENT_VERSION = "ins-2026-12"


def _actor(membership: Membership) -> Actor:
    return Actor.worker(membership.member_no or "")


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@member_required
@require_GET
def insurance(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    enrolments = list(queries.enrolments_of(membership))
    enrolled_plans = {e.plan_id for e in enrolments if e.status == EnrolmentStatus.ENROLLED}
    reason = insurance_ineligibility(membership)
    plans = [
        {
            "plan": plan,
            "worker_yuan": yuan(plan.worker_share_fen),
            "premium_yuan": yuan(plan.premium_fen),
            "enrolled": plan.pk in enrolled_plans,
        }
        for plan in queries.open_plans_for_member(membership)
    ]
    return page(
        request,
        "portal/benefits/insurance.html",
        {
            "membership": membership,
            "plans": plans,
            "reason_text": str(INSURANCE_REASONS[reason]) if reason else "",
            "enrolments": [{"enrolment": e, "worker_yuan": yuan(e.worker_share_fen)} for e in enrolments],
            "consent_version": INSURER_CONSENT_VERSION,
        },
    )


@member_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    plan = queries.open_plans_for_member(membership).filter(pk=pk).first()
    if plan is None:
        raise Http404
    consent = INSURER_CONSENT_VERSION if request.POST.get("consent") == INSURER_CONSENT_VERSION else ""
    try:
        enrol_member(
            plan, membership, channel=EnrolmentChannel.WORKER, consent_version=consent, actor=_actor(membership)
        )
    except Refused as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("已提交投保：%(plan)s") % {"plan": plan.name})
    return redirect("portal:insurance")


def _parse_time(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _photos(request: HttpRequest) -> tuple[list[tuple[CleanPhoto, bytes]], list[str]]:
    """Checked photos with their bytes, or the problems in words (name: message)."""
    checked: list[tuple[CleanPhoto, bytes]] = []
    problems: list[str] = []
    for upload in request.FILES.getlist("photos")[: MAX_PHOTOS + 1]:
        size = upload.size or 0
        # Never read more than the limit allows: an oversized file is refused by its size alone.
        content = upload.read() if size <= MAX_PHOTO_BYTES else upload.read(16)
        try:
            photo = check_photo(upload.name or "", size, content[:16], content if size <= MAX_PHOTO_BYTES else None)
        except ValidationError as exc:
            problems += [f"{upload.name}: {message}" for message in exc.messages]
        else:
            checked.append((photo, content))
    return checked, problems


@member_required
@require_http_methods(["GET", "POST"])
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    enrolment = queries.enrolment_of(membership, pk)
    if enrolment is None:
        raise Http404
    context: dict[str, Any] = {"enrolment": enrolment, "max_photos": MAX_PHOTOS, "errors": [], "data": request.POST}
    if request.method == "GET":
        return page(request, "portal/benefits/incident.html", context)
    occurred_at = _parse_time(request.POST.get("occurred_at", ""))
    photos, problems = _photos(request)
    if occurred_at is None:
        problems.insert(0, _("请填写出险时间"))
    if problems:
        return page(request, "portal/benefits/incident.html", {**context, "errors": problems}, status=400)
    assert occurred_at is not None
    try:
        # One transaction: a photo that cannot be written undoes the report, and a refused
        # report leaves no photo behind.
        with transaction.atomic():
            report_incident(
                enrolment,
                occurred_at=occurred_at,
                place=request.POST.get("place", ""),
                description=request.POST.get("description", ""),
                photos=[photo for photo, _content in photos],
                actor=_actor(membership),
            )
            for photo, content in photos:
                store_incident_photo(photo, content)
    except Refused as exc:
        return page(request, "portal/benefits/incident.html", {**context, "errors": [exc.text]}, status=400)
    messages.success(request, _("报案已提交，保险公司受理后会在这里显示进展"))
    return redirect("portal:insurance")
