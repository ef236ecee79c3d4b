"""Coverage and blind spots for staff: per street workers, positions and distance to the nearest
open relay station; a map layer; Excel export; import of surveyed street points."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from gongyou.console.decorators import console_view
from gongyou.core.access import require_write
from gongyou.core.actors import Actor
from gongyou.positions import access, excel, queries, services
from gongyou.positions.conf import map_config
from gongyou.positions.coverage import default_radius_m, latest_count, street_coverage
from gongyou.positions.presenters import map_point


def _radius(request: HttpRequest) -> int:
    try:
        return max(100, min(int(request.GET.get("radius_m", "")), 20_000))
    except ValueError:
        return default_radius_m()


@console_view
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    radius = _radius(request)
    streets = access.streets_for(request.user)
    stored = latest_count()
    rows = street_coverage(streets, radius_m=radius, stored=stored)
    if request.GET.get("export") == "xlsx":
        header = [
            _("区"),
            _("街镇代码"),
            _("街镇"),
            pgettext("count", "劳动者"),
            _("名册在岗"),
            pgettext("count", "会员"),
            _("开放阵地"),
            _("开放接力站"),
            _("最近接力站(米)"),
            _("%(radius)s米内无接力站") % {"radius": radius},
            _("参考点为估算"),
            _("按站点位置计算的劳动者"),
            _("够不着的劳动者"),
        ]
        data = (
            [r.street.parent.name if r.street.parent else "", r.street.code, r.street.name, r.workers, r.roster_workers,
             r.members, r.positions, r.relay_stations, round(r.nearest_relay_m) if r.nearest_relay_m is not None else "",
             r.blind, r.street.approximate, r.located_workers, r.uncovered_workers]
            for r in rows
        )  # fmt: skip
        title = _("覆盖与盲区")
        return excel.xlsx_response(title, excel.workbook(title, header, data))
    layer: list[dict[str, Any]] = []
    for r in rows:
        if r.street.lng is None or r.street.lat is None:
            continue
        lng, lat = map_point(r.street.lng, r.street.lat)
        layer.append(
            {"name": r.street.full_name, "lng": lng, "lat": lat, "workers": r.workers, "blind": r.blind,
             "nearest": round(r.nearest_relay_m) if r.nearest_relay_m is not None else None}
        )  # fmt: skip
    stations = [map_point(lng, lat) for lng, lat in queries.open_relay_points(streets)]
    blind = [r for r in rows if r.blind]
    return render(
        request,
        "console/positions/coverage.html",
        {
            "rows": rows,
            "blind": blind,
            "radius": radius,
            "map": map_config(),
            "layer": {"streets": layer, "stations": stations},
            "approximate": sum(1 for r in rows if r.street.approximate),
            "workers_total": sum(r.workers for r in rows),
            "located_total": sum(r.located_workers for r in rows),
            "unlocated": sum(1 for r in rows if r.street.lng is None),
            "count_minutes": (settings.GONGYOU["COVERAGE_SECONDS"] + 59) // 60,
            "counted_at": stored.counted_at if stored else None,
        },
    )


@console_view
@require_http_methods(["GET", "POST"])
def street_points(request: HttpRequest) -> HttpResponse:
    """Replace estimated street points with surveyed ones: CSV (code,lng,lat,crs) or GeoJSON."""
    require_write(request.user)
    result = None
    if request.method == "POST" and request.FILES.get("file"):
        upload: Any = request.FILES["file"]
        allowed = {s.code: s for s in access.streets_for(request.user)}
        try:
            if upload.name.lower().endswith((".geojson", ".json")):
                rows = services.street_rows_from_geojson(json.loads(upload.read().decode("utf-8-sig")))
            else:
                rows = excel.read_rows(upload, {"街镇代码": "code", "经度": "lng", "纬度": "lat", "坐标系": "crs"})
        except (ValueError, UnicodeDecodeError, AttributeError):
            messages.error(request, _("无法读取这个文件"))
            rows = None
        if rows is not None:
            result = services.import_street_points(rows, actor=Actor.staff(request.user), streets=allowed)
    elif request.method == "POST":
        messages.error(request, _("请选择文件"))
    return render(request, "console/positions/street_points.html", {"result": result})
