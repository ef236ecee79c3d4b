"""Blind spots (建会盲区和空白点): the market-registry upload and the gap list with its Excel
export and "open a founding task"; stations without a union; unions without members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, int_list, paginate
from gongyou.core import excel
from gongyou.core.access import streets_in_scope
from gongyou.core.choices import Industry
from gongyou.core.models import BackgroundJob, Region
from gongyou.insight.access import can_import_registry, registry_imports_for, require_registry_import
from gongyou.insight.gaps import counts_day, memberless_unions, unionless_enterprises, unionless_stations
from gongyou.insight.models import RegistryImport
from gongyou.insight.registry import REJECTED_HEADER
from gongyou.insight.services import import_registry_file, open_founding_tasks, registry_job_key

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _filters(request: HttpRequest) -> dict[str, str]:
    industry = request.GET.get("industry", "")
    return {
        "district": request.GET.get("district", "").strip(),
        "street": request.GET.get("street", "").strip(),
        "industry": industry if industry in Industry.values else "",
    }


def _gaps(request: HttpRequest) -> Any:
    return unionless_enterprises(request.user, **_filters(request))


@console_view
def gap_list(request: HttpRequest) -> HttpResponse:
    streets = streets_in_scope(request.user)
    context = {
        **paginate(request, _gaps(request)),
        "filters": _filters(request),
        "as_of": counts_day(),
        "industries": Industry.choices,
        "districts": Region.objects.filter(level=Region.Level.DISTRICT, children__in=streets).distinct(),
        "streets": streets,
        "can_write": can_write(request.user),
        "can_import": can_import_registry(request.user),
    }
    return render(request, "console/insight/gaps.html", context)


GAP_HEADER = [
    _l("企业名称"),
    _l("统一社会信用代码"),
    _l("行业"),
    _l("国民经济行业代码"),
    _l("所在区"),
    _l("所在街镇"),
    _l("头部企业"),
    _l("名册在岗人数"),
    _l("个体会员数"),
    _l("住所"),
]


@console_view
def gap_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [
            e.name,
            e.uscc,
            e.get_industry_display(),
            e.industry_code,
            e.district.name if e.district else "",
            e.street.name if e.street else "",
            e.is_head,
            e.roster_workers,
            e.individual_members,
            e.address,
        ]
        for e in _gaps(request).iterator(chunk_size=2000)
    )
    return excel.export(_("建会盲区和空白点"), GAP_HEADER, rows)


@require_POST
@console_view
def gap_found(request: HttpRequest) -> HttpResponse:
    """Open founding tasks for the selected rows; only rows of the caller's own gap list count."""
    chosen = list(unionless_enterprises(request.user).filter(pk__in=int_list(request.POST.getlist("enterprise"))))
    if not chosen:
        messages.error(request, _("请先勾选要建会的企业"))
        return redirect("console:gaps")
    result = open_founding_tasks(chosen, actor=actor(request))
    if result.opened:
        messages.success(request, _("已新建%(n)d个建会任务") % {"n": len(result.opened)})
    if result.already_open:
        messages.info(request, _("%(n)d家企业已有进行中的建会任务") % {"n": len(result.already_open)})
    if result.unassigned:
        names = "、".join(e.name for e in result.unassigned)
        messages.error(request, _("找不到负责建会的街镇或区总工会：%(names)s") % {"names": names})
    return redirect("console:tasks")


@console_view
def gap_stations(request: HttpRequest) -> HttpResponse:
    return render(request, "console/insight/stations.html", paginate(request, unionless_stations(request.user)))


@console_view
def gap_memberless(request: HttpRequest) -> HttpResponse:
    return render(request, "console/insight/memberless.html", paginate(request, memberless_unions(request.user)))


@console_view
def registry_home(request: HttpRequest) -> HttpResponse:
    require_registry_import(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要上传的文件"))
        elif upload.size and upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, _("文件太大（最大20MB），请分成几个文件上传"))
        else:
            try:
                record = import_registry_file(upload.read(), upload.name or "", user=request.user, actor=actor(request))
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                return redirect("console:registry_import", pk=record.pk)
        return redirect("console:registry")
    recent = registry_imports_for(request.user)[:10]
    return render(request, "console/insight/registry.html", {"recent": recent})


def _record(request: HttpRequest, pk: int) -> RegistryImport:
    record = registry_imports_for(request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


@console_view
def registry_import(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    job = BackgroundJob.objects.filter(key=registry_job_key(record)).first()
    return render(request, "console/insight/result.html", {"record": record, "job": job, "shown": record.rejected[:200]})


@console_view
def registry_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel a worker's import is polled with; once done, the page reloads."""
    record = _record(request, pk)
    if record.status == RegistryImport.Status.DONE and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    job = BackgroundJob.objects.filter(key=registry_job_key(record)).first()
    return render(request, "console/insight/_registry_progress.html", {"record": record, "job": job})


@console_view
def registry_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    rows = (
        [item["index"], item["external_id"], field, error["code"], error["message"]]
        for item in record.rejected
        for field, errors in item["errors"].items()
        for error in errors
    )
    return excel.export(_("未导入的登记信息"), REJECTED_HEADER, rows)
