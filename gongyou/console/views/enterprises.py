"""Enterprises and delivery stations with union coverage (SPEC §8: every station with a union,
head enterprises with unions), each list exportable to Excel."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console.decorators import console_view
from gongyou.console.qrlinks import qr_links
from gongyou.console.views.common import paginate
from gongyou.core import excel
from gongyou.core.access import enterprises_in_scope, stations_in_scope, streets_in_scope
from gongyou.core.choices import Industry
from gongyou.core.models import Org
from gongyou.members.access import founding_tasks_for, memberships_for
from gongyou.members.services import individual_members


def _unions(**match: Any) -> QuerySet[Org]:
    return Org.objects.filter(status=Org.Status.ACTIVE, **match).order_by("id")


def _enterprises(request: HttpRequest) -> QuerySet[Any]:
    union = _unions(enterprise=OuterRef("pk"), kind__in=Org.ENTERPRISE_KINDS)
    qs = enterprises_in_scope(request.user).annotate(
        union_id=Subquery(union.values("id")[:1]), union_name=Subquery(union.values("name")[:1])
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    if request.GET.get("industry") in Industry.values:
        qs = qs.filter(industry=request.GET["industry"])
    if request.GET.get("union") == "yes":
        qs = qs.filter(union_id__isnull=False)
    elif request.GET.get("union") == "no":
        qs = qs.filter(union_id__isnull=True)
    if request.GET.get("head") == "1":
        qs = qs.filter(is_head=True)
    return qs.select_related("parent").order_by("-is_head", "name")


@console_view
def enterprise_list(request: HttpRequest) -> HttpResponse:
    context = {"industries": Industry.choices, **paginate(request, _enterprises(request))}
    return render(request, "console/enterprises/list.html", context)


ENTERPRISE_HEADER = [_l("企业名称"), _l("统一社会信用代码"), _l("行业"), _l("所在街镇"), _l("头部企业"), _l("上级企业"),
                     _l("与上级企业关系"), _l("企业工会")]


@console_view
def enterprise_export(request: HttpRequest) -> HttpResponse:
    yes, no, none = _("是"), _("否"), _("未建会")
    rows = (
        [e.name, e.uscc, e.get_industry_display(), e.street.full_name if e.street else (e.district.name if e.district else ""), yes if e.is_head else no,
         e.parent.name if e.parent else "", e.get_relation_display(), e.union_name or none]
        for e in _enterprises(request).iterator(chunk_size=2000)
    )
    return excel.export(_("企业建会情况"), ENTERPRISE_HEADER, rows)


@console_view
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(enterprises_in_scope(request.user), pk=pk)
    union = enterprise.active_union()
    members = memberships_for(request.user).filter(pk__in=individual_members(enterprise).values("pk"))
    context = {
        "e": enterprise,
        "union": union,
        "unions": _unions(enterprise=enterprise),
        "stations": _stations(request).filter(enterprise=enterprise),
        "members": members.select_related("person__work_street", "org").order_by("person__name")[:200],
        "member_count": members.count(),
        "tasks": founding_tasks_for(request.user).filter(enterprise=enterprise),
    }
    return render(request, "console/enterprises/detail.html", context)


def _stations(request: HttpRequest) -> QuerySet[Any]:
    station_union = _unions(station=OuterRef("pk"), kind__in=Org.STATION_KINDS)
    enterprise_union = _unions(enterprise=OuterRef("enterprise"), kind__in=Org.ENTERPRISE_KINDS)
    return stations_in_scope(request.user).annotate(
        union_id=Subquery(station_union.values("id")[:1]),
        union_name=Subquery(station_union.values("name")[:1]),
        enterprise_has_union=Exists(enterprise_union),
    )


def _station_list(request: HttpRequest) -> QuerySet[Any]:
    qs = _stations(request)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q))
    if request.GET.get("union") == "yes":
        qs = qs.filter(union_id__isnull=False)
    elif request.GET.get("union") == "no":
        qs = qs.filter(union_id__isnull=True)
    return qs.order_by("street__code", "code")


@console_view
def station_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, _station_list(request))
    page["qr"] = {s.pk: qr_links("station", s.pk) for s in page["rows"]}
    # Stations are edited by the office of their street (registers.station_edit).
    page["editable_streets"] = set(streets_in_scope(request.user).values_list("pk", flat=True))
    return render(request, "console/enterprises/stations.html", page)


STATION_HEADER = [_l("站点编码"), _l("站点名称"), _l("所属企业"), _l("所在街镇"), _l("地址"), _l("企业已建会"), _l("站点工会")]


@console_view
def station_export(request: HttpRequest) -> HttpResponse:
    yes, no, none = _("是"), _("否"), _("未建会")
    rows = (
        [s.code, s.name, s.enterprise.name, s.street.full_name, s.address, yes if s.enterprise_has_union else no, s.union_name or none]
        for s in _station_list(request).iterator(chunk_size=2000)
    )
    return excel.export(_("站点建会情况"), STATION_HEADER, rows)
