"""Coverage dashboards (issue 12): city → district → street drill-down with targets, trends,
charts and a map; industry and enterprise views; the district ranking (考核); targets; the
printable monthly report. Every table exports to Excel. Thin views over insight.dashboard."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, paginate
from gongyou.core import excel
from gongyou.core.access import staff_profile
from gongyou.core.models import Org, Region
from gongyou.insight import dashboard
from gongyou.insight.access import area_for, scope_area, target_regions, targets_for
from gongyou.insight.assessment import ranking, weights
from gongyou.insight.breakdowns import by_enterprise, by_industry
from gongyou.insight.indicators import targetable
from gongyou.insight.inputs import clean_target_grid, field_name
from gongyou.insight.queries import TREND, Area
from gongyou.insight.report import monthly_report_pdf
from gongyou.insight.services import PERIODS, set_targets
from gongyou.positions.conf import map_config
from gongyou.positions.presenters import map_point


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    if re.fullmatch(r"[0-9]{4}", value) and int(value) in PERIODS:
        return int(value)
    return timezone.localdate().year


def _area(request: HttpRequest) -> Area:
    code = request.GET.get("region", "").strip()
    if code and not re.fullmatch(r"[0-9]{6}|[0-9]{9}", code):
        code = "x"  # unknown: the same 404 as out of scope
    return area_for(request.user, code or None)


def _crumbs(user: Any, area: Area) -> list[tuple[str, str | None]]:
    """(name, region code or None for the city) from the top of the user's scope to the area."""
    scope = scope_area(user)
    crumbs: list[tuple[str, str | None]] = []
    if scope.level == "city":
        crumbs.append((dashboard.area_name(Area()), None))
    if area.district and scope.level in ("city", "district"):
        crumbs.append((dashboard.area_name(Area(district=area.district)), area.district))
    if area.street:
        crumbs.append((dashboard.area_name(area), area.street))
    return crumbs


def _years() -> list[int]:
    this = timezone.localdate().year
    return [this - 1, this, this + 1]


@console_view
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    year = _year(request)
    board = dashboard.build(area, year)
    if request.GET.get("export") == "xlsx":
        header, rows = dashboard.export_rows(board)
        trend_header, trend = dashboard.trend_rows(board)
        title = _("覆盖指标")
        return excel.xlsx_response(
            f"{title}-{board.name}",
            excel.workbook_bytes(
                [excel.Sheet(board.name, header, rows), excel.Sheet(_("月度趋势"), trend_header, trend)]
            ),
        )
    chart = board.chart_data()
    for point in chart["map"]:
        point["lng"], point["lat"] = map_point(point["lng"], point["lat"])
    context = {
        "board": board,
        "crumbs": _crumbs(request.user, area),
        "columns": [(c, dashboard.label(c), dashboard.is_share(c)) for c in dashboard.COLUMNS],
        "chart": chart,
        "map": map_config(),
        "year": year,
        "years": _years(),
        "query": request.GET.urlencode(),
        "child_level": "district" if area.level == "city" else "street",
        "report_month": f"{timezone.localdate():%Y-%m}",
        "trend_labels": [(c, dashboard.label(c)) for c in TREND],
        "month_rows": [(f"{m['month']:%Y-%m}", [dashboard.text(m[c]) for c in TREND]) for m in board.months],
        "live_seconds": settings.GONGYOU["INSIGHT_LIVE_SECONDS"],
    }
    return render(request, "console/insight/dashboard.html", context)


@console_view
@require_GET
def industries(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    view = by_industry(area)
    rows = view.rows
    header = [
        _("行业"),
        _("在册会员"),
        _("平台名册在岗人数"),
        _("名册人员入会率"),
        _("登记企业"),
        _("已建会企业"),
        _("未建会企业"),
    ]
    keys = [
        "members_active",
        "roster_workers",
        "member_share",
        "enterprises",
        "enterprises_with_union",
        "enterprises_without_union",
    ]
    if request.GET.get("export") == "xlsx":
        return excel.export(_("行业视图"), header, ([r["name"], *[r[k] for k in keys]] for r in rows))
    context = {"rows": rows, "header": header, "keys": keys, "crumbs": _crumbs(request.user, area), "query": request.GET.urlencode(),
               "name": dashboard.area_name(area), "as_of": view.as_of}  # fmt: skip
    return render(request, "console/insight/industries.html", context)


ENTERPRISE_HEADER = [
    "企业名称", "统一社会信用代码", "所在区", "所在街镇", "头部企业", "名册在岗人数", "会员", "已建会", "配送站点", "已建会站点",
]  # fmt: skip


@console_view
@require_GET
def enterprises(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    qs, as_of = by_enterprise(area)
    header = [_(h) for h in ENTERPRISE_HEADER]
    if request.GET.get("export") == "xlsx":
        data = (
            [e.name, e.uscc, e.district.name if e.district else "", e.street.name if e.street else "", e.is_head,
             *[getattr(e, k) for k in ("roster_workers", "members", "has_union", "station_count", "stations_with_union")]]
            for e in qs.iterator(chunk_size=2000)
        )  # fmt: skip
        return excel.export(_("企业视图"), header, data)
    context = {**paginate(request, qs), "header": header, "crumbs": _crumbs(request.user, area),
               "name": dashboard.area_name(area), "region": area.code or "", "as_of": as_of}  # fmt: skip
    return render(request, "console/insight/enterprises.html", context)


@console_view
@require_GET
def assessment(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scores = ranking(request.user, year)
    w = weights()
    if request.GET.get("export") == "xlsx":
        header = [_("名次"), _("区划代码"), _("区"), _("得分")]
        for code in w:
            header += [
                f"{dashboard.label(code)} {_('完成值')}",
                f"{dashboard.label(code)} {_('目标')}",
                f"{dashboard.label(code)} {_('得分')}",
            ]
        rows = []
        for s in scores:
            lines = {line.indicator: line for line in s.lines}
            row: list[Any] = [s.rank, s.district.code, s.district.name, s.score]
            for code in w:
                line = lines.get(code)
                row += [line.actual, line.target, line.points] if line else ["", "", ""]
            rows.append(row)
        return excel.export(_("区考核排名"), header, rows)
    total = sum(w.values())
    context = {
        "scores": scores,
        "year": year,
        "years": _years(),
        "weights": [(dashboard.label(c), c, n, round(100 * n / total, 1)) for c, n in w.items()],
        "chart": {"names": [s.district.name for s in scores], "scores": [s.score for s in scores]},
    }
    return render(request, "console/insight/ranking.html", context)


def _setter_org(user: Any) -> Org:
    profile = staff_profile(user)
    if profile is not None:
        return profile.org
    root = Org.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        raise PermissionDenied
    return root


@console_view
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    year = _year(request) if request.method == "GET" else int(request.POST.get("year") or timezone.localdate().year)
    regions = list(target_regions(request.user))
    indicators = [i.code for i in targetable()]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not regions or year not in PERIODS:
            raise PermissionDenied(_("只有市总工会（为各区）和区总工会（为各街镇）可以设定目标。"))
        values, found = clean_target_grid(request.POST, regions, indicators)
        try:
            found.raise_if_any()
            changed = set_targets(values, year, set_by=_setter_org(request.user), actor=actor(request))
        except ValidationError as exc:
            errors = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
            messages.error(request, _("有目标值填写不正确，未保存。"))
        else:
            messages.success(request, _("已保存 %(n)d 项目标。") % {"n": changed})
            return redirect(f"{reverse('console:insight_targets')}?year={year}")
    current = {(t.region.code, t.indicator): t.value for t in targets_for(request.user).filter(period=year)}
    grid = [
        (r, [(field_name(r, c), request.POST.get(field_name(r, c)) if errors else current.get((r.code, c)), errors.get(field_name(r, c)))
             for c in indicators])
        for r in regions
    ]  # fmt: skip
    others = (
        targets_for(request.user).filter(period=year).exclude(region__in=regions).order_by("region__code", "indicator")
    )
    context = {
        "grid": grid,
        "labels": [dashboard.label(c) for c in indicators],
        "year": year,
        "years": _years(),
        "can_set": bool(regions),
        "others": [(t, dashboard.label(t.indicator)) for t in others],
    }
    return render(request, "console/insight/targets.html", context)


@console_view
@require_GET
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", request.GET.get("month", ""))
    today = timezone.localdate()
    month = dt.date(int(match.group(1)), int(match.group(2)), 1) if match else today.replace(day=1)
    if month > today:
        month = today.replace(day=1)
    pdf = monthly_report_pdf(area, month)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = Region.objects.filter(code=area.code).values_list("code", flat=True).first() or "city"
    response["Content-Disposition"] = f'inline; filename="report-{name}-{month:%Y-%m}.pdf"'
    patch_cache_control(response, no_store=True, private=True)
    return response
