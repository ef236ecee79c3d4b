"""Applications: memberships waiting for approval in orgs that require it (approve, reject with
a reason, bulk approve)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, int_list, paginate
from gongyou.console.views.members import MEMBER_HEADER, member_rows
from gongyou.core import excel
from gongyou.members import services
from gongyou.members.access import memberships_for
from gongyou.members.models import Membership


def _pending(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        memberships_for(request.user)
        .filter(status=Membership.Status.APPLIED)
        .select_related("person__work_street", "org")
        .order_by("applied_at", "id")
    )


@console_view
def application_list(request: HttpRequest) -> HttpResponse:
    context = {"can_write": can_write(request.user), **paginate(request, _pending(request))}
    return render(request, "console/applications/list.html", context)


@console_view
def application_export(request: HttpRequest) -> HttpResponse:
    return excel.export(_("入会申请"), MEMBER_HEADER, member_rows(_pending(request)))


@require_POST
@console_view
def application_bulk_approve(request: HttpRequest) -> HttpResponse:
    ids = int_list(request.POST.getlist("ids"))
    approved, failed = 0, 0
    # Only applications in scope are touched; ids outside it are silently ignored like missing ones.
    for membership in _pending(request).filter(pk__in=ids):
        try:
            services.approve_membership(membership, actor=actor(request))
            approved += 1
        except ValidationError:
            failed += 1
    if approved:
        messages.success(request, _("已批准 %(n)d 份入会申请") % {"n": approved})
    if failed or not approved:
        messages.warning(request, _("%(n)d 份申请未能批准（可能已被处理）") % {"n": failed or len(ids)})
    return redirect("console:applications")
