"""Audit log viewer for admins: filter by user, object, action and date; non-superusers see the
rows of their org scope only (AuditLog.org in scope)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console import audit_labels
from gongyou.console.decorators import console_view
from gongyou.console.templatetags.console_tags import ACTIONS, action_label, actor_label, change_text, object_type_label
from gongyou.console.views.common import paginate
from gongyou.core import excel
from gongyou.core.access import audit_entries_for
from gongyou.core.models import AuditLog
from gongyou.members.models import Membership, Transfer
from gongyou.members.numbers import is_valid_member_no


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# The object types an officer filters by, in the order they come up.
OBJECT_TYPES = (
    "members.membership", "members.person", "members.transfer", "members.foundingtask", "core.org",
    "core.enterprise", "core.station", "console.rosterimport", "auth.user", "console.loginfailure",
    "partners.partnercredential", "positions.serviceposition", "positions.feedback",
)


def _member_objects(member_no: str) -> Q | None:
    """A member number typed as the object: that membership, its person and its transfers."""
    membership = Membership.objects.filter(member_no=member_no.upper()).only("pk", "person_id").first()
    if membership is None:
        return None
    transfer_ids = [str(pk) for pk in Transfer.objects.filter(membership=membership).values_list("pk", flat=True)]
    return (
        Q(object_type="members.membership", object_id=str(membership.pk))
        | Q(object_type="members.person", object_id=str(membership.person_id))
        | Q(object_type="members.transfer", object_id__in=transfer_ids)
    )


def _entries(request: HttpRequest) -> QuerySet[AuditLog]:
    qs = audit_entries_for(request.user)
    get = request.GET
    user = get.get("user", "").strip()
    if user:
        qs = qs.filter(Q(actor__username=user) | Q(actor_label__icontains=user))
    if get.get("object_type", "").strip():
        qs = qs.filter(object_type=get["object_type"].strip())
    object_id = get.get("object_id", "").strip()
    if object_id:
        member = _member_objects(object_id) if is_valid_member_no(object_id) else None
        qs = qs.filter(member) if member is not None else qs.filter(object_id=object_id)
    if get.get("action", "").strip():
        qs = qs.filter(action__startswith=get["action"].strip())
    start, end = _date(get.get("date_from")), _date(get.get("date_to"))
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    return qs.order_by("-at", "-id")


ADMIN_ONLY = _l("审计日志只有管理员可以查看。")


@console_view(admin=True, admin_reason=ADMIN_ONLY)
def audit_list(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = paginate(request, _entries(request))
    context["rows"] = rows = list(context["rows"])
    context["names"] = audit_labels.referenced_names(rows)
    context["action_choices"] = sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[0])
    context["object_type_choices"] = [(code, object_type_label(code)) for code in OBJECT_TYPES]
    return render(request, "console/audit/list.html", context)


HEADER = [
    _l("时间"), _l("经办"), _l("操作"), _l("对象类型"), _l("对象"), _l("对象编号"), _l("组织"), _l("理由"), _l("变更"),
]


def _export_rows(entries: QuerySet[AuditLog], chunk: int = 2000) -> Iterator[list[Any]]:
    """Rows in chunks, each chunk's referenced names fetched at once (one query per chunk)."""
    stream = entries.iterator(chunk_size=chunk)
    while batch := list(islice(stream, chunk)):
        names = audit_labels.referenced_names(batch)
        for e in batch:
            yield [
                e.at, actor_label(e.actor_label), action_label(e.action), object_type_label(e.object_type),
                audit_labels.object_name(e, names), e.object_id,
                e.org.name if e.org else "", e.reason, change_text(e, names),
            ]


@console_view(admin=True, admin_reason=ADMIN_ONLY)
def audit_export(request: HttpRequest) -> HttpResponse:
    return excel.export(_("审计日志"), HEADER, _export_rows(_entries(request)))
