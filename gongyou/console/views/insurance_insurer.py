"""The insurer's side of a plan (issue 8 §5): its status import (承保 / 拒保, policy numbers)
uploaded as Excel or CSV with each bad row named, and the incident reports of the plan with
their photos (kept outside the web root; shown one at a time through an audited, scoped view).
Import through benefits.insurance.import_insurer_statuses (audited per row)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.benefits.access import incident_photo_for, incidents_for, plans_for
from gongyou.benefits.errors import Refused
from gongyou.benefits.insurance import import_insurer_statuses, view_incident_photo
from gongyou.benefits.models import Incident, IncidentPhoto, InsurancePlan
from gongyou.benefits.photos import EXTENSIONS
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, error_text, paginate
from gongyou.console.views.insurance import organised_plan
from gongyou.core import excel
from gongyou.core.access import get_or_404
from gongyou.core.crypto import mask_name

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The insurer's file: these headings, any order; other columns are ignored.
COLUMNS = {"投保编号": "enrolment_id", "承保状态": "status", "保单号": "policy_no", "承保说明": "note", "说明": "note"}
REQUIRED = ("enrolment_id", "status")


def read_insurer_file(upload: Any) -> tuple[list[dict[str, str]], int]:
    """The rows as {key: text} and the file row number of the first data row."""
    if upload is None:
        raise ValidationError(_("请选择要上传的文件"), code="required")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件不能超过 20 MB"), code="too_large")
    table = excel.read_table(upload.read(), upload.name or "")
    header = excel.find_header(table, lambda cell: cell in COLUMNS)
    keys = [COLUMNS.get(cell, "") for cell in table[header]] if header is not None else []
    if not all(k in keys for k in REQUIRED):
        raise ValidationError(_("文件第一行应有“投保编号”和“承保状态”两列"), code="bad_header")
    assert header is not None
    rows = [{k: v for k, v in zip(keys, row, strict=False) if k} for row in table[header + 1 :] if any(row)]
    return rows, header + 2


@console_view
def insurer_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = organised_plan(request, pk)
    context: dict[str, Any] = {"plan": plan}
    status = 200
    if request.method == "POST":
        try:
            rows, first = read_insurer_file(request.FILES.get("file"))
        except ValidationError as exc:
            context["error"], status = error_text(exc), 400
        else:
            result = import_insurer_statuses(plan, rows, actor=actor(request))
            context["updated"] = result.updated
            context["row_errors"] = [
                (first + number - 1, field, message) for number, field, _code, message in result.errors
            ]
            context["done"] = True
    return render(request, "console/benefits/insurer_import.html", context, status=status)


def _incidents(request: HttpRequest, plan: InsurancePlan) -> QuerySet[Incident]:
    return incidents_for(request.user).filter(enrolment__plan=plan).order_by("-reported_at", "-id")


@console_view
def incident_photo(request: HttpRequest, incident: int, pk: int) -> HttpResponse:
    """One photo, inline, never cached by a shared cache; every view is in the audit log."""
    photo = incident_photo_for(request.user, incident, pk)
    try:
        handle = view_incident_photo(photo, actor=actor(request))
    except Refused:
        raise Http404 from None
    with handle:  # at most 5 MB (benefits.inputs.MAX_PHOTO_BYTES)
        response = HttpResponse(handle.read(), content_type=photo.content_type)
    name = f"incident-{incident}-{pk}{EXTENSIONS[photo.content_type]}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


PHOTOS = Prefetch("photos", queryset=IncidentPhoto.objects.order_by("id"))


@console_view
def incident_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(plans_for(request.user), pk=pk)
    return render(
        request,
        "console/benefits/incidents.html",
        {"plan": plan, **paginate(request, _incidents(request, plan).prefetch_related(PHOTOS))},
    )


INCIDENT_HEADER = [_l("报案时间"), _l("投保编号"), _l("会员编号"), _l("姓名"), _l("出险时间"), _l("出险地点"), _l("经过"), _l("状态"),
                   _l("保险公司案件号"), _l("处理说明")]  # fmt: skip


@console_view
def incident_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_or_404(plans_for(request.user), pk=pk)
    rows = (
        [timezone.localtime(i.reported_at), i.enrolment_id, i.enrolment.membership.member_no, mask_name(i.enrolment.person.name),
         timezone.localtime(i.occurred_at), i.place, i.description, i.get_status_display(), i.insurer_ref, i.insurer_note]  # type: ignore[attr-defined]
        for i in _incidents(request, plan).iterator(chunk_size=2000)
    )  # fmt: skip
    return excel.export(_("出险报案"), INCIDENT_HEADER, rows)
