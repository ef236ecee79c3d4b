"""Organisations: the tree from the user's org down (with dual-managed links both ways), one
org's page, founding a station union / union group under it, approval mode, Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.qrlinks import MAX_DAYS, clean_options, qr_links
from gongyou.console.views.common import actor, can_write, flash_error
from gongyou.core import excel, services
from gongyou.core.access import (
    enterprises_in_scope,
    get_in_scope,
    orgs_in_scope,
    root_org,
    staff_profile,
    stations_in_scope,
)
from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Region
from gongyou.members.access import memberships_for
from gongyou.members.dissolution import dissolve_org, merge_orgs
from gongyou.members.models import Membership
from gongyou.members.services import individual_members

OPEN = Q(memberships__status__in=Membership.OPEN_STATUSES)


def _org(request: HttpRequest, pk: int) -> Org:
    qs = Org.objects.select_related("parent", "second_manager", "region__parent", "enterprise", "station")
    return get_in_scope(request.user, qs, "", pk=pk)


def _children(request: HttpRequest, org: Org) -> list[dict[str, Any]]:
    """Sub-orgs in scope: territorial children, then dual-managed ones (flagged `dual`).
    Counts come from two grouped queries instead of joins that would multiply rows."""
    orgs = list(
        orgs_in_scope(request.user)
        .filter(Q(parent=org) | Q(second_manager=org))
        .select_related("second_manager", "parent")
        .order_by("kind", "name")
    )
    ids = [o.pk for o in orgs]
    members = dict(
        Membership.objects.filter(org__in=ids, status__in=Membership.OPEN_STATUSES)
        .order_by().values_list("org").annotate(n=Count("id")).values_list("org", "n")
    )
    below: dict[int, int] = {}
    for parent_id, manager_id in Org.objects.filter(Q(parent__in=ids) | Q(second_manager__in=ids)).values_list("parent_id", "second_manager_id"):
        for key in {parent_id, manager_id} & set(ids):
            below[key] = below.get(key, 0) + 1
    return [
        {"org": o, "dual": o.parent_id != org.pk, "members": members.get(o.pk, 0), "below": below.get(o.pk, 0)}
        for o in orgs
    ]


@console_view
def org_tree(request: HttpRequest) -> HttpResponse:
    root = root_org(request.user)
    context = {"root": root, "children": _children(request, root) if root else []}
    return render(request, "console/orgs/tree.html", context)


@console_view
def org_children(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    return render(request, "console/orgs/_children.html", {"children": _children(request, org)})


def _creatable_kinds(org: Org) -> list[tuple[str, str]]:
    """Every kind create_org allows under `org` (core.services.ALLOWED_PARENTS)."""
    if org.status != Org.Status.ACTIVE:
        return []
    return [(k.value, str(k.label)) for k in Org.Kind if org.kind in services.ALLOWED_PARENTS[k]]


def _regions_here(org: Org) -> QuerySet[Region]:
    """Where a new org under `org` may sit: its own region or one directly inside it."""
    return Region.objects.filter(Q(pk=org.region_id) | Q(parent_id=org.region_id)).order_by("code")


def _enterprises_without_union(request: HttpRequest) -> QuerySet[Enterprise]:
    union = Org.objects.filter(enterprise=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=Org.ENTERPRISE_KINDS)
    return enterprises_in_scope(request.user).exclude(Exists(union)).order_by("name")


def _second_managers(stations: QuerySet[Any]) -> QuerySet[Org]:
    enterprise_ids = set(stations.values_list("enterprise_id", flat=True))
    enterprise_ids |= set(stations.exclude(enterprise__parent=None).values_list("enterprise__parent_id", flat=True))
    return Org.objects.filter(
        status=Org.Status.ACTIVE, kind__in=Org.ENTERPRISE_KINDS, enterprise_id__in=enterprise_ids
    ).order_by("name")


def _stations_here(request: HttpRequest, org: Org) -> QuerySet[Any]:
    stations = stations_in_scope(request.user)
    if org.region.level == "street":
        stations = stations.filter(street=org.region)
    elif org.station_id:
        stations = stations.filter(pk=org.station_id)
    return stations.order_by("code")


@console_view
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    members = memberships_for(request.user).filter(org=org)
    counts = dict(members.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    kinds = _creatable_kinds(org) if can_write(request.user) else []
    stations = _stations_here(request, org) if kinds else None
    # A newly founded enterprise union is offered its enterprise's individual members (seed §二(一)3).
    individual = (
        memberships_for(request.user).filter(pk__in=individual_members(org.enterprise).values("pk")).count()
        if org.enterprise is not None and org.kind in Org.ENTERPRISE_KINDS and org.status == Org.Status.ACTIVE
        else 0
    )
    campaign, days = clean_options(request.GET.get("campaign"), request.GET.get("days"))
    context = {
        "org": org,
        "children": _children(request, org),
        "counts": [(label, counts.get(value, 0), value) for value, label in Membership.Status.choices],
        "members": members.filter(status__in=Membership.OPEN_STATUSES).select_related("person").order_by("-applied_at")[:20],
        "kinds": kinds,
        "stations": stations,
        "managers": _second_managers(stations) if stations is not None else [],
        "regions": _regions_here(org) if kinds else [],
        "enterprises": _enterprises_without_union(request)[:500] if kinds else [],
        "founding_modes": Org.FoundingMode.choices,
        "industries": Industry.choices,
        "individual": individual,
        "qr": qr_links("org", org.pk, campaign=campaign, days=days),
        "qr_campaign": campaign,
        "qr_days": days,
        "can_write": can_write(request.user),
        "today": dt.date.today(),
        "qr_max_days": MAX_DAYS,
        "targets": orgs_in_scope(request.user).filter(status=Org.Status.ACTIVE).exclude(pk=org.pk).order_by("id")[:500]
        if org.status == Org.Status.ACTIVE
        else [],
    }
    return render(request, "console/orgs/detail.html", context)


def _pick(qs: QuerySet[Any], value: str | None) -> Any:
    return qs.filter(pk=value).first() if value and value.isdigit() else None


@require_POST
@console_view
def org_create_sub(request: HttpRequest, pk: int) -> HttpResponse:
    """Found a union of any kind under this one: the kind/parent rules are create_org's; the
    enterprise or station it belongs to, and the second manager, only where the kind has one."""
    parent = _org(request, pk)
    post = request.POST
    kind = post.get("kind", "")
    region = _pick(_regions_here(parent), post.get("region")) or parent.region
    industry = post.get("industry", "") if post.get("industry", "") in Industry.values else ""
    enterprise = station = manager = None
    try:
        if kind not in dict(_creatable_kinds(parent)):
            raise ValidationError({"kind": [ValidationError(_("不能在这个组织下建立这种组织"), code="bad_kind")]})
        if kind in Org.ENTERPRISE_KINDS:
            enterprise = _pick(_enterprises_without_union(request), post.get("enterprise"))
            if enterprise is None:
                raise ValidationError({"enterprise": [ValidationError(_("请选择尚未建会的企业"), code="required")]})
            region = enterprise.street or region
            industry = enterprise.industry
        if kind in Org.STATION_KINDS:
            station = _pick(_stations_here(request, parent), post.get("station"))
            if station is None:
                raise ValidationError({"station": [ValidationError(_("请选择站点"), code="required")]})
            manager = Org.objects.filter(pk=post.get("second_manager") or 0, status=Org.Status.ACTIVE).first()
            region = station.street
            industry = station.enterprise.industry
        founded = dt.date.fromisoformat(post["founded_on"]) if post.get("founded_on") else None
        org = services.create_org(
            name=post.get("name", ""), kind=kind, region=region, parent=parent, second_manager=manager,
            industry=industry, enterprise=enterprise, station=station, founded_on=founded,
            founding_mode=post.get("founding_mode") or Org.FoundingMode.SINGLE,
            approval_required=bool(post.get("approval_required")), actor=actor(request),
        )
    except (ValidationError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            flash_error(request, exc)
        else:
            messages.error(request, _("建会日期格式不正确"))
        return redirect("console:org", pk=parent.pk)
    messages.success(request, _("已建立%(name)s") % {"name": org.name})
    return redirect("console:org", pk=org.pk)


@require_POST
@console_view
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    post = request.POST
    try:
        founded = dt.date.fromisoformat(post.get("founded_on", ""))
    except ValueError:
        messages.error(request, _("建会日期格式不正确"))
        return redirect("console:org", pk=org.pk)
    try:
        services.update_org(
            org, name=post.get("name", ""), founding_mode=post.get("founding_mode", ""), founded_on=founded,
            approval_required=post.get("approval_required") == "1", actor=actor(request),
        )
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已保存"))
    return redirect("console:org", pk=org.pk)


@require_POST
@console_view
def org_approval(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    required = request.POST.get("approval_required") == "1"
    services.set_approval_mode(org, approval_required=required, actor=actor(request))
    messages.success(request, _("已改为入会需审批") if required else _("已改为入会自动通过"))
    return redirect("console:org", pk=org.pk)


@require_POST
@console_view
def org_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Dissolve the org (moving its members to a chosen union first) or merge it into one."""
    org = _org(request, pk)
    profile = staff_profile(request.user)
    if profile is not None and profile.org_id == org.pk:
        raise PermissionDenied(_("不能撤销自己所在的工会，请由上级工会办理。"))
    target = None
    if request.POST.get("to_org"):
        target = get_in_scope(request.user, Org.objects.all(), "", pk=request.POST["to_org"])
    reason = request.POST.get("reason", "").strip()[:500]
    try:
        if request.POST.get("action") == "merge":
            if target is None:
                raise ValidationError({"to_org": [ValidationError(_("请选择合并到哪个工会"), code="required")]})
            merge_orgs(org, target, actor=actor(request), reason=reason)
            messages.success(request, _("已合并到%(name)s") % {"name": target.name})
        else:
            dissolve_org(org, actor=actor(request), reason=reason, transfer_to=target)
            messages.success(request, _("工会已撤销"))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect("console:org", pk=org.pk)


HEADER = [_l("组织名称"), _l("类型"), _l("上级工会"), _l("双重管理工会"), _l("所在区划"), _l("行业"), _l("所属企业"), _l("站点"),
          _l("建会方式"), _l("建会日期"), _l("入会需审批"), _l("状态"), _l("在册会员")]


@console_view
def org_export(request: HttpRequest) -> HttpResponse:
    qs = (
        orgs_in_scope(request.user)
        .select_related("parent", "second_manager", "region", "enterprise", "station")
        .annotate(n_members=Count("memberships", filter=OPEN))
        .order_by("region__code", "id")
    )
    yes, no = _("是"), _("否")
    rows = (
        [o.name, o.get_kind_display(), o.parent.name if o.parent else "", o.second_manager.name if o.second_manager else "",
         o.region.name, o.get_industry_display(), o.enterprise.name if o.enterprise else "", o.station.name if o.station else "",
         o.get_founding_mode_display(), o.founded_on, yes if o.approval_required else no, o.get_status_display(), o.n_members]
        for o in qs.iterator(chunk_size=2000)
    )
    return excel.export(_("工会组织"), HEADER, rows)


@console_view
def org_pick(request: HttpRequest) -> HttpResponse:
    """Target orgs for a transfer: any active org (the target's staff accept), in-scope first."""
    q = request.GET.get("q", "").strip()
    qs = Org.objects.filter(status=Org.Status.ACTIVE).select_related("region")
    if q:
        qs = qs.filter(name__icontains=q)
    else:
        qs = orgs_in_scope(request.user).filter(status=Org.Status.ACTIVE).select_related("region")
    return render(request, "console/orgs/_pick.html", {"orgs": qs.order_by("kind", "name")[:30], "q": q})
