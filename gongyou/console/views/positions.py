"""Staff pages for the registry: list with filters and Excel export, create/edit, a position's
usage and QR code, Excel import, and the feedback inbox. Everything is scoped (404 outside)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import flash_error
from gongyou.core.access import require_write
from gongyou.core.actors import Actor
from gongyou.core.errors import django_errors
from gongyou.core.geo import gcj02_to_wgs84, wgs84_to_gcj02
from gongyou.core.models import Region
from gongyou.core.qr import qr_png, qr_svg
from gongyou.positions import access, excel, queries, services
from gongyou.positions.conf import map_config
from gongyou.positions.hours import format_hours
from gongyou.positions.inputs import clean_position
from gongyou.positions.models import ServicePosition
from gongyou.positions.presenters import amenity_icons
from gongyou.positions.vocab import Amenity, FeedbackStatus, Kind, Status

PAGE_SIZE = 50
EXPORT_HEADER = [
    *excel.IMPORT_COLUMNS,
    "所在区", "街镇", "经度(GCJ-02)", "纬度(GCJ-02)", "示例数据", "近7天签到",
]  # fmt: skip


def _filtered(request: HttpRequest) -> tuple[QuerySet[ServicePosition], dict[str, str]]:
    f = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "status", "district", "amenity", "demo")}
    qs = access.positions_for(request.user)
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(address__icontains=f["q"]))
    if f["kind"] in Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["status"] in Status.values:
        qs = qs.filter(status=f["status"])
    if f["district"]:
        qs = qs.filter(street__parent__code=f["district"])
    if f["amenity"] in Amenity.values:
        qs = qs.filter(amenity_codes__contains=f",{f['amenity']},")
    if f["demo"] in ("0", "1"):
        qs = qs.filter(is_demo=f["demo"] == "1")
    week_ago = timezone.now() - dt.timedelta(days=7)
    qs = qs.annotate(visits_7d=Count("checkins", filter=Q(checkins__at__gte=week_ago)))
    return qs.order_by("code"), f


@console_view
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    qs, filters = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return _export(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/positions/registry.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "amenities": Amenity.choices,
            "districts": Region.objects.filter(level=Region.Level.DISTRICT),
        },
    )


def _export(qs: QuerySet[ServicePosition]) -> HttpResponse:
    def rows():  # noqa: ANN202
        for p in qs.iterator(chunk_size=2000):
            g_lng, g_lat = wgs84_to_gcj02(p.lng, p.lat)
            yield [
                p.code, p.name, p.get_kind_display(), p.org.name, p.street.code, p.address, p.lng, p.lat, "wgs84",
                format_hours(p.weekly_hours, open_24h=False) if not p.open_24h else "", p.open_24h, p.closed_on_holidays,
                "、".join(label for _c, label in p.amenity_items()), p.contact_phone, p.get_status_display(), p.note,
                p.street.parent.name if p.street.parent else "", p.street.name, round(g_lng, 6), round(g_lat, 6),
                p.is_demo, p.visits_7d,  # type: ignore[attr-defined]
            ]  # fmt: skip

    return excel.xlsx_response("服务阵地", excel.workbook("服务阵地", EXPORT_HEADER, rows()))


# --- create / edit -----------------------------------------------------------------------------


def _form_context(
    request: HttpRequest, data: dict[str, Any], errors: dict[str, Any], position: ServicePosition | None
) -> dict[str, Any]:
    orgs = access.manageable_orgs(request.user)
    streets: dict[str, list[Region]] = {}
    for s in Region.objects.filter(level=Region.Level.STREET).select_related("parent"):
        streets.setdefault(s.parent.name if s.parent else "", []).append(s)
    return {
        "position": position,
        "data": data,
        "errors": errors,
        "orgs": sorted({o.pk: o for o in orgs.values()}.values(), key=lambda o: o.pk),
        "streets": streets,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "amenities": Amenity.choices,
        "map": map_config(),
        "pick": pick_start(data),
    }


def pick_start(data: dict[str, Any]) -> tuple[float, float] | None:
    """The form's point in the tiles' system, for the picker's marker (None: nothing valid yet)."""
    try:
        lng, lat = float(data.get("lng") or ""), float(data.get("lat") or "")
    except ValueError:
        return None
    if not (73 <= lng <= 136 and 3 <= lat <= 54):
        return None
    crs, tiles = data.get("crs") or "wgs84", map_config()["crs"]
    if crs != tiles:
        lng, lat = wgs84_to_gcj02(lng, lat) if tiles == "gcj02" else gcj02_to_wgs84(lng, lat)
    return round(lng, 6), round(lat, 6)


def _post_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {k: request.POST.get(k, "") for k in (
        "code", "name", "kind", "org", "street", "address", "lng", "lat", "crs", "weekly_hours", "contact_phone", "status", "note",
    )}  # fmt: skip
    data["open_24h"] = bool(request.POST.get("open_24h"))
    data["closed_on_holidays"] = bool(request.POST.get("closed_on_holidays"))
    data["amenities"] = request.POST.getlist("amenities")
    return data


def _initial(position: ServicePosition) -> dict[str, Any]:
    return {
        "code": position.code, "name": position.name, "kind": position.kind, "org": str(position.org_id),
        "street": position.street.code, "address": position.address, "lng": f"{position.lng:.6f}",
        "lat": f"{position.lat:.6f}", "crs": "wgs84", "weekly_hours": format_hours(position.weekly_hours),
        "open_24h": position.open_24h, "closed_on_holidays": position.closed_on_holidays,
        "amenities": position.amenities, "contact_phone": position.contact_phone, "status": position.status,
        "note": position.note,
    }  # fmt: skip


def _save(request: HttpRequest, position: ServicePosition | None) -> HttpResponse:
    data = _post_data(request)
    orgs = access.manageable_orgs(request.user)
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    actor = Actor.staff(request.user)
    try:
        clean = clean_position(data, orgs=orgs, streets=streets)
        if position is None:
            position = services.create_position(clean, actor=actor)
            messages.success(request, _("已登记：%(name)s") % {"name": position.name})
        else:
            if clean.code and clean.code != position.code:
                raise ValidationError({"code": [ValidationError(_("阵地编号登记后不能修改"), code="immutable")]})
            services.update_position(position, clean, actor=actor)
            messages.success(request, _("已保存"))
        upload = request.FILES.get("photo")
        if upload is not None:
            services.set_position_photo(position, upload, actor=actor)
    except ValidationError as exc:
        errors = django_errors(exc)
        return render(request, "console/positions/form.html", _form_context(request, data, errors, position), status=400)
    return redirect("console:position", pk=position.pk)


@console_view
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require_write(request.user)
    if request.method == "POST":
        return _save(request, None)
    data = {
        "crs": "gcj02",
        "status": Status.OPEN,
        "kind": Kind.RELAY_STATION,
        "amenities": [a.value for a in Amenity][:6],
    }
    return render(request, "console/positions/form.html", _form_context(request, data, {}, None))


@console_view
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.position_for(request.user, pk)
    require_write(request.user)
    if request.method == "POST":
        return _save(request, position)
    return render(request, "console/positions/form.html", _form_context(request, _initial(position), {}, position))


@console_view
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.position_for(request.user, pk)
    require_write(request.user)
    try:
        services.set_position_status(position, request.POST.get("status", ""), actor=Actor.staff(request.user))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect("console:position", pk=pk)


# --- one position: usage and QR ------------------------------------------------------------------


@console_view
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = access.position_for(request.user, pk)
    checkin_url = request.build_absolute_uri(reverse("portal:station_checkin", args=[pk]))
    checkin_svg = qr_svg(checkin_url, scale=4, inline=True)
    return render(
        request,
        "console/positions/detail.html",
        {
            "position": position,
            "hours_text": format_hours(position.weekly_hours, open_24h=position.open_24h, display=True),
            "icons": amenity_icons(position.amenities),
            "usage": queries.position_usage(position),
            "feedback": position.feedback.all()[:10],
            "qr_svg": checkin_svg,
            "checkin_url": checkin_url,
            "statuses": Status.choices,
        },
    )


@console_view
@require_GET
def qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    position = access.position_for(request.user, pk)
    if fmt not in ("png", "svg"):
        raise Http404
    url = request.build_absolute_uri(reverse("portal:station_checkin", args=[pk]))
    if fmt == "png":
        body: bytes | str = qr_png(url, border=2)
        content_type = "image/png"
    else:
        body = qr_svg(url, border=2)
        content_type = "image/svg+xml"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="checkin-{position.code}.{fmt}"'
    return response


# --- import ----------------------------------------------------------------------------------


@console_view
@require_http_methods(["GET", "POST"])
def import_positions(request: HttpRequest) -> HttpResponse:
    if request.GET.get("template"):
        return excel.xlsx_response("服务阵地导入模板", excel.template_workbook())
    require_write(request.user)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的 Excel 文件"))
        else:
            try:
                rows = excel.read_rows(upload, excel.IMPORT_COLUMNS)
            except Exception:  # noqa: BLE001 (any unreadable file gets the same answer)
                messages.error(request, _("无法读取这个文件，请上传 .xlsx 或 UTF-8 编码的 .csv"))
                rows = None
            if rows is not None:
                result = services.import_positions(
                    rows, orgs=access.manageable_orgs(request.user), actor=Actor.staff(request.user)
                )
    return render(request, "console/positions/import.html", {"result": result, "columns": list(excel.IMPORT_COLUMNS)})


# --- feedback inbox --------------------------------------------------------------------------


@console_view
@require_GET
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", FeedbackStatus.NEW)
    qs = access.feedback_for(request.user)
    if status in FeedbackStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                f.created_at,
                f.position.code,
                f.position.name,
                f.org.name,
                f.score or "",
                f.get_problem_display() if f.problem else "",
                f.text,
                f.get_status_display(),
                f.reply,
            ]
            for f in qs.iterator(chunk_size=2000)
        )
        header = [_("时间"), _("阵地编号"), _("阵地"), _("处理工会"), _("评分"), _("问题"), _("说明"), _("状态"), _("处理说明")]
        title = _("阵地反馈")
        return excel.xlsx_response(title, excel.workbook(title, header, rows))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/positions/feedback.html",
        {"page": page, "status": status, "statuses": FeedbackStatus.choices},
    )


@console_view
@require_POST
def feedback_handle(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.feedback_item_for(request.user, pk)
    require_write(request.user)
    try:
        services.handle_feedback(
            item,
            status=request.POST.get("status", ""),
            reply=request.POST.get("reply", ""),
            actor=Actor.staff(request.user),
        )
        messages.success(request, _("已更新反馈状态"))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect(f"{reverse('console:position_feedback')}?status={request.POST.get('back', FeedbackStatus.NEW)}")
