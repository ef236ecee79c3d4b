"""Bulk transfer: move an enterprise's individual members into its newly founded union
(seed §二(一)3). The officer accepts on the union's behalf, so the union must be in scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, flash_error, int_list
from gongyou.core.access import enterprises_in_scope, org_in_scope
from gongyou.core.models import Enterprise, Org
from gongyou.members.access import memberships_for
from gongyou.members.services import individual_members
from gongyou.members.transfers import bulk_transfer

LIMIT = 2000


def _target(user: object, enterprise: Enterprise | None) -> tuple[Org | None, str]:
    if enterprise is None:
        return None, ""
    union = enterprise.active_union()
    if union is None:
        return None, _("该企业尚未建立工会，建会后才能批量转入。")
    if not org_in_scope(user, union):  # type: ignore[arg-type]
        return None, _("该企业工会不在您的管辖范围内，请由其上级工会办理。")
    return union, ""


@console_view
def bulk_transfer_view(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    enterprises = enterprises_in_scope(request.user)
    enterprise = enterprises.filter(pk=source.get("enterprise") or 0).first()
    union, problem = _target(request.user, enterprise)
    members = (
        memberships_for(request.user).filter(pk__in=individual_members(enterprise).values("pk")).select_related("person__work_street", "org")
        if enterprise is not None
        else memberships_for(request.user).none()
    )
    if request.method == "POST":
        chosen = members.filter(pk__in=int_list(request.POST.getlist("ids")))
        if union is None or not chosen.exists():
            messages.error(request, problem or _("请至少选择一名会员"))
        else:
            try:
                moved = bulk_transfer(list(chosen), union, actor=actor(request), reason=request.POST.get("reason", "").strip() or _("企业建会后个体会员批量转入"))
                messages.success(request, _("已将 %(n)d 名会员转入%(org)s") % {"n": len(moved), "org": union.name})
                return redirect(f"{reverse('console:bulk_transfer')}?enterprise={enterprise.pk}")  # type: ignore[union-attr]
            except ValidationError as exc:
                flash_error(request, exc)
    with_union = enterprises.filter(unions__status=Org.Status.ACTIVE, unions__kind__in=Org.ENTERPRISE_KINDS).distinct()
    context = {
        "enterprise": enterprise,
        "enterprises": with_union.order_by("name")[:500],
        "union": union,
        "problem": problem,
        "members": members.order_by("person__name")[:LIMIT],
        "can_write": can_write(request.user),
    }
    return render(request, "console/transfers/bulk.html", context)
