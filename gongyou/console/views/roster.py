"""Roster import from Excel: template download, upload → preview, import into a chosen
enterprise in scope with an htmx-polled progress bar, and the rejected rows as Excel."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongyou.console import roster_io, services
from gongyou.console.decorators import console_view
from gongyou.console.models import RosterImport
from gongyou.console.roster_io import COLUMNS, label, rejected_bytes, template_bytes
from gongyou.console.views.common import actor, can_write, error_text
from gongyou.core import crypto, excel
from gongyou.core.access import enterprises_in_scope

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _staged(request: HttpRequest, pk: int) -> RosterImport:
    """Imports are private to whoever uploaded them (the file holds personal data)."""
    qs = RosterImport.objects.select_related("enterprise")
    if not getattr(request.user, "is_superuser", False):
        qs = qs.filter(created_by_id=request.user.pk)
    staged = qs.filter(pk=pk).first()
    if staged is None:
        raise Http404
    return staged


@console_view
def roster_home(request: HttpRequest) -> HttpResponse:
    recent = RosterImport.objects.filter(created_by_id=request.user.pk).select_related("enterprise")[:10]
    context = {
        "recent": recent,
        "can_write": can_write(request.user),
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:1000],
    }
    return render(request, "console/roster/home.html", context)


@console_view
def roster_template(request: HttpRequest) -> HttpResponse:
    return excel.xlsx_response(_("名册导入模板"), template_bytes())


@require_POST
@console_view
def roster_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的Excel文件"))
        return redirect("console:roster")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("文件太大（最大20MB），请分成几个文件上传"))
        return redirect("console:roster")
    enterprise = enterprises_in_scope(request.user).filter(pk=request.POST.get("enterprise") or 0).first()
    try:
        staged = services.stage_roster_import(
            upload, filename=upload.name or "", user=request.user, actor=actor(request), enterprise=enterprise
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("console:roster")
    return redirect("console:roster_import", pk=staged.pk)


@console_view
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    staged = _staged(request, pk)
    if request.method == "POST" and request.POST.get("action") == "map":
        columns = [request.POST.get(f"column_{i}", "") for i in range(len(staged.header))]
        services.map_roster_columns(staged, columns, actor=actor(request))
        messages.success(request, _("已按新的列对应重新检查"))
        return redirect("console:roster_import", pk=staged.pk)
    if request.method == "POST":
        enterprise = enterprises_in_scope(request.user).filter(pk=request.POST.get("enterprise") or 0).first()
        missing = roster_io.missing_columns(staged.columns)
        if missing:
            messages.error(request, _("还缺少这些列：%(cols)s。请先在“列对应”中指定。") % {"cols": "、".join(missing)})
        elif enterprise is None:
            messages.error(request, _("请选择名册所属企业"))
        elif staged.status == RosterImport.Status.PREVIEW:
            services.start_roster_import(staged, enterprise, actor=actor(request))
        return redirect("console:roster_import", pk=staged.pk)
    context: dict[str, Any] = {
        "staged": staged,
        "columns": [(c, label(c)) for c in COLUMNS],
        "mapping": list(zip(staged.header, staged.columns, strict=False)),
        "missing": roster_io.missing_columns(staged.columns),
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:1000],
        "can_write": can_write(request.user),
        "job": services.ensure_roster_job(staged, actor=actor(request)),
        **_result_context(staged),
    }
    return render(request, "console/roster/import.html", context)


def _result_context(staged: RosterImport) -> dict[str, Any]:
    shown = []
    for item in staged.rejected[:100]:
        shown.append({**item, "reasons": roster_io.reasons(item["errors"])})
    return {"rejected": shown, "rejected_total": len(staged.rejected)}


@console_view(post_reads=True)
def roster_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel, polled while a worker imports (closing the page stops nothing)."""
    staged = _staged(request, pk)
    job = services.ensure_roster_job(staged, actor=actor(request))
    return render(request, "console/roster/_progress.html", {"staged": staged, "job": job, **_result_context(staged)})


@console_view
def roster_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    staged = _staged(request, pk)
    original = json.loads(crypto.decrypt(staged.rejected_enc)) if staged.rejected_enc else None
    return excel.xlsx_response(_("未导入的行"), rejected_bytes(staged.rejected, original, staged.header))
