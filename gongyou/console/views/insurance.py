"""Insurance plan pages (gig member basic insurance, SPEC §5): the plans in reach and the
insured list for the insurer in fixed columns — masked by default; full ID numbers only through
an admin's audited export (SPEC §9)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.benefits.access import plans_for, require_admin
from gongyou.benefits.insurance import INSURED_COLUMNS, export_insured_list_full
from gongyou.benefits.models import InsurancePlan
from gongyou.console import exports
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, paginate
from gongyou.core import excel
from gongyou.core.access import get_or_404, org_in_scope


@console_view
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = plans_for(request.user).select_related("org").order_by("-enrol_from", "-id")
    return render(request, "console/benefits/plans.html", {"can_write": can_write(request.user), **paginate(request, plans)})


def organised_plan(request: HttpRequest, pk: int) -> InsurancePlan:
    """The insured list covers every enrolled member of the plan, so only the organiser's side
    (the plan's org in the user's scope) may take it; others can see the plan (403)."""
    plan = get_or_404(plans_for(request.user).select_related("org"), pk=pk)
    if not org_in_scope(request.user, plan.org):
        raise PermissionDenied(_("只有主办工会及其上级可以导出投保名单。"))
    return plan


@console_view
def insured_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = organised_plan(request, pk)
    return exports.respond(request, "insured", plan.enrolments.count(), {"plan": plan.pk})


@console_view(admin=True, admin_reason=_l("导出完整身份证号码只有管理员可以操作。"))
def insured_export_full(request: HttpRequest, pk: int) -> HttpResponse:
    plan = organised_plan(request, pk)
    require_admin(request.user)
    if request.method != "POST":
        return render(request, "console/benefits/insured_full.html", {"plan": plan})
    try:
        rows = export_insured_list_full(plan, reason=request.POST.get("reason", ""), actor=actor(request))
    except ValidationError as exc:
        return render(
            request, "console/benefits/insured_full.html", {"plan": plan, "error": error_text(exc)}, status=400
        )
    return excel.export(_("投保名单（完整）"), INSURED_COLUMNS, rows)
