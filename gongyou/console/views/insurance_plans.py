"""Running a gig member insurance plan (issue 8 §5; seed §二(二)8 专享基本保障): create one (the
premium and its union / platform / worker split typed in yuan, kept in fen exactly), open it,
enrol a member in scope, enrol a platform's rostered members in bulk, and record each share's
payment. Changes are for the organiser's side; writes go through benefits.insurance (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongyou.benefits.access import enrolments_for, plans_for
from gongyou.benefits.inputs import clean_plan_in_yuan
from gongyou.benefits.insurance import (
    create_plan,
    enrol_member,
    enrol_platform_members,
    record_payment,
    set_plan_status,
)
from gongyou.benefits.models import Enrolment
from gongyou.benefits.vocab import EnrolmentChannel, PaymentStatus, PlanStatus
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, flash_error, paginate
from gongyou.console.views.insurance import organised_plan
from gongyou.core.access import get_or_404, org_in_scope, root_org
from gongyou.core.errors import django_errors
from gongyou.core.models import Enterprise
from gongyou.members.access import membership_for
from gongyou.members.models import RosterEntry

SHARES = ("union", "platform", "worker")


@console_view
def plan_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    if request.method == "POST":
        org = root_org(request.user)
        if org is None:
            raise Http404
        try:
            plan = create_plan(clean_plan_in_yuan(request.POST), org=org, actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已创建保障计划“%(name)s”") % {"name": plan.name})
            return redirect("console:plan", plan.pk)
    return render(
        request,
        "console/benefits/plan_form.html",
        {"errors": errors, "form": request.POST},
        status=400 if errors else 200,
    )


def _platforms() -> Any:
    return Enterprise.objects.filter(pk__in=RosterEntry.objects.filter(active=True).values("enterprise_id")).order_by(
        "name"
    )


@console_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(plans_for(request.user).select_related("org"), pk=pk)
    manages = can_write(request.user) and org_in_scope(request.user, plan.org)
    enrolments = enrolments_for(request.user).filter(plan=plan).order_by("-enrolled_at", "-id")
    page = paginate(request, enrolments)
    labels = dict(PaymentStatus.choices)
    for e in page["rows"]:
        e.shares = [  # type: ignore[attr-defined]
            (share, {"fen": getattr(e, f"{share}_share_fen"), "status": getattr(e, f"{share}_payment"),
                     "label": labels[getattr(e, f"{share}_payment")]})
            for share in SHARES
        ]  # fmt: skip
    context = {
        "plan": plan,
        "manages": manages,
        "can_write": can_write(request.user),
        "platforms": _platforms() if manages else [],
        **page,
    }
    return render(request, "console/benefits/plan.html", context)


@console_view
def plan_open(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        plan = organised_plan(request, pk)
        try:
            set_plan_status(plan, PlanStatus.OPEN, actor=actor(request))
        except ValidationError as exc:
            flash_error(request, exc)
    return redirect("console:plan", pk)


@console_view
def plan_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enrol a member of their scope (the member's consent is collected on paper)."""
    if request.method != "POST":
        return redirect("console:plan", pk)
    plan = get_or_404(plans_for(request.user), pk=pk)
    try:
        membership = membership_for(request.user, request.POST.get("member_no", "").strip())
    except Http404:
        messages.error(request, _("在您的范围内找不到这个会员编号"))
        return redirect("console:plan", pk)
    try:
        enrol_member(plan, membership, channel=EnrolmentChannel.STAFF, actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已为 %(no)s 投保") % {"no": membership.member_no})
    return redirect("console:plan", pk)


@console_view
def plan_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:plan", pk)
    plan = organised_plan(request, pk)
    chosen = request.POST.get("platform", "")
    platform = _platforms().filter(pk=chosen).first() if chosen.isdigit() else None
    if platform is None:
        messages.error(request, _("请选择平台企业"))
        return redirect("console:plan", pk)
    result = enrol_platform_members(plan, platform, actor=actor(request))
    refused = sum(result.refused.values())
    messages.success(request, _("已投保 %(n)s 人，未投保 %(m)s 人") % {"n": result.enrolled, "m": refused})
    return redirect("console:plan", pk)


@console_view
def enrolment_payment(request: HttpRequest, pk: int, share: str) -> HttpResponse:
    if share not in SHARES:
        raise Http404
    enrolment: Enrolment = get_or_404(enrolments_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            record_payment(enrolment, share, actor=actor(request))
        except ValidationError as exc:
            flash_error(request, exc)
    return redirect("console:plan", enrolment.plan_id)
