"""Audit log viewer for admins: filter by user, object, action and date; non-superusers see the
rows of their org scope only (AuditLog.org in scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console import excel
from gongyou.console.decorators import console_view
from gongyou.console.views.common import paginate
from gongyou.core.access import scoped
from gongyou.core.models import AuditLog


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _entries(request: HttpRequest) -> QuerySet[AuditLog]:
    qs = scoped(request.user, AuditLog.objects.select_related("actor", "org"), "org")
    get = request.GET
    user = get.get("user", "").strip()
    if user:
        qs = qs.filter(Q(actor__username=user) | Q(actor_label__icontains=user))
    if get.get("object_type", "").strip():
        qs = qs.filter(object_type=get["object_type"].strip())
    if get.get("object_id", "").strip():
        qs = qs.filter(object_id=get["object_id"].strip())
    if get.get("action", "").strip():
        qs = qs.filter(action__startswith=get["action"].strip())
    start, end = _date(get.get("date_from")), _date(get.get("date_to"))
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    return qs.order_by("-at", "-id")


@console_view(admin=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = paginate(request, _entries(request))
    return render(request, "console/audit/list.html", context)


HEADER = [_l("时间"), _l("经办"), _l("操作"), _l("对象类型"), _l("对象编号"), _l("组织"), _l("理由"), _l("变更前"), _l("变更后")]


@console_view(admin=True)
def audit_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [e.at, e.actor_label, e.action, e.object_type, e.object_id, e.org.name if e.org else "", e.reason,
         "" if e.before is None else str(e.before), "" if e.after is None else str(e.after)]
        for e in _entries(request).iterator(chunk_size=2000)
    )
    return excel.export(_("审计日志"), HEADER, rows)
