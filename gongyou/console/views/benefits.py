"""Campaign pages (SPEC §5; seed §二(二)8): the campaigns a staff member may hand out, creating
one, its allocations down the tree, publishing and closing; people served in the staff
member's scope by district and street; every list exports to Excel.
Reads through benefits.access, writes through benefits.services (audited there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.benefits.access import campaign_for, campaigns_for, claims_for
from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.models import Allocation, Campaign, Claim
from gongyou.benefits.queries import people_served_for, served_by_street
from gongyou.benefits.services import allocate_quota, close_campaign, create_campaign, publish_campaign
from gongyou.benefits.vocab import CampaignKind, CampaignStatus, ServiceKind
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import org_in_scope, orgs_in_scope, root_org
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.crypto import mask_name
from gongyou.core.errors import django_errors
from gongyou.core.models import Org, OrgReach, Region
from gongyou.positions.access import positions_for
from gongyou.positions.models import ServicePosition
from gongyou.positions.vocab import Status as PositionStatus


def _campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    qs = campaigns_for(request.user)
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in CampaignKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_at", "-id")


@console_view
def campaign_list(request: HttpRequest) -> HttpResponse:
    context = {
        "statuses": CampaignStatus.choices,
        "kinds": CampaignKind.choices,
        "can_write": can_write(request.user),
        **paginate(request, _campaigns(request)),
    }
    return render(request, "console/benefits/campaigns.html", context)


HEADER = [_l("名称"), _l("类型"), _l("主办工会"), _l("开始时间"), _l("结束时间"), _l("状态"), _l("总名额"), _l("已发放"),
          _l("行业"), _l("区域"), _l("用工关系"), _l("最短入会天数"), _l("发放物品"), _l("经费来源")]  # fmt: skip


@console_view
def campaign_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [c.title, c.get_kind_display(), c.org.name, c.starts_at, c.ends_at, c.get_status_display(), c.quota, c.handed_out,  # type: ignore[attr-defined]
         "、".join(c.industries), "、".join(c.region_codes), "、".join(c.labor_relations), c.min_member_days, c.items,
         c.funding_source]
        for c in _campaigns(request).iterator(chunk_size=2000)
    )  # fmt: skip
    return excel.export(_("服务活动"), HEADER, rows)


def campaign_input(post: Any) -> dict[str, Any]:
    """The form's fields in the shape every channel hands to benefits.inputs.clean_campaign."""
    codes = post.get("region_codes", "").replace("，", ",").replace("、", ",").replace(" ", ",")
    return {
        **{key: post.get(key, "") for key in ("kind", "title", "description", "items", "funding_source", "starts_at", "ends_at", "quota", "status")},
        "audience": {
            "industries": post.getlist("industries"),
            "region_codes": [c for c in codes.split(",") if c.strip()],
            "labor_relations": post.getlist("labor_relations"),
            "min_member_days": post.get("min_member_days", "") or 0,
        },
    }  # fmt: skip


@console_view
def campaign_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    if request.method == "POST":
        org = root_org(request.user)
        if org is None:
            raise Http404
        try:
            campaign = create_campaign(clean_campaign(campaign_input(request.POST)), org=org, actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已创建活动“%(title)s”") % {"title": campaign.title})
            return redirect("console:campaign", campaign.pk)
    context = {
        "errors": errors,
        "form": request.POST,
        "kinds": CampaignKind.choices,
        "industries": Industry.choices,
        "labor_relations": LaborRelation.choices,
    }
    return render(request, "console/benefits/campaign_form.html", context, status=400 if errors else 200)


def _managed(request: HttpRequest, pk: int) -> Campaign:
    """A campaign the user may change: visible to them, and organised by an org in their scope
    (staff below the organiser hand it out but do not run it: 403, since they can see it)."""
    campaign = campaign_for(request.user, pk)
    if not org_in_scope(request.user, campaign.org):
        raise PermissionDenied(_("只有主办工会及其上级可以管理这项活动。"))
    return campaign


def _allocation_targets(request: HttpRequest, campaign: Campaign) -> QuerySet[Org]:
    below = OrgReach.objects.filter(ancestor=campaign.org).values("descendant_id")
    return (
        orgs_in_scope(request.user)
        .filter(pk__in=below, status=Org.Status.ACTIVE)
        .exclude(pk=campaign.org_id)
        .order_by("id")
    )


def _position_targets(request: HttpRequest, campaign: Campaign) -> QuerySet[ServicePosition]:
    """Service positions managed by an org under the organiser (the leaves of the tree)."""
    below = OrgReach.objects.filter(ancestor=campaign.org).values("descendant_id")
    return (
        positions_for(request.user)
        .filter(org__in=below)
        .exclude(status=PositionStatus.RETIRED)
        .order_by("street__code", "name", "id")
    )


@console_view
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for(request.user, pk)
    manages = can_write(request.user) and org_in_scope(request.user, campaign.org)
    context = {
        "campaign": campaign,
        "allocations": Allocation.objects.filter(campaign=campaign).select_related(
            "org", "position", "parent__org", "parent__position"
        ),
        "manages": manages,
        "targets": _allocation_targets(request, campaign) if manages else [],
        "position_targets": _position_targets(request, campaign) if manages else [],
        "eligibility": _eligibility(campaign),
    }
    return render(request, "console/benefits/campaign.html", context)


def _eligibility(campaign: Campaign) -> dict[str, list[str]]:
    """The campaign's limits in words (the fields hold codes): industries, regions, relations."""
    industries = dict(Industry.choices)
    relations = dict(LaborRelation.choices)
    regions = dict(Region.objects.filter(code__in=campaign.region_codes).values_list("code", "name"))
    return {
        "industries": [str(industries.get(c, c)) for c in campaign.industries],
        "regions": [regions.get(c, c) for c in campaign.region_codes],
        "labor_relations": [str(relations.get(c, c)) for c in campaign.labor_relations],
    }


def _target(request: HttpRequest, campaign: Campaign) -> Org | ServicePosition | None:
    """The chosen org or service position ("org:ID" / "position:ID"), when the user may allocate
    to it; the separate `org` field of earlier forms still works."""
    kind, _sep, pk = (request.POST.get("target", "") or f"org:{request.POST.get('org', '')}").partition(":")
    if not pk.isdigit():
        return None
    if kind == "org":
        return _allocation_targets(request, campaign).filter(pk=pk).first()
    if kind == "position":
        return _position_targets(request, campaign).filter(pk=pk).first()
    return None


@console_view
def campaign_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:campaign", pk)
    campaign = _managed(request, pk)
    target = _target(request, campaign)
    if target is None:
        messages.error(request, _("请选择主办工会范围内的组织或服务阵地"))
        return redirect("console:campaign", pk)
    quota = request.POST.get("quota", "").strip()
    where = {"org": target} if isinstance(target, Org) else {"position": target}
    try:
        allocate_quota(campaign, quota=int(quota) if quota.isdigit() else -1, actor=actor(request), **where)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已为%(org)s分配 %(n)s 个名额") % {"org": target.name, "n": quota})
    return redirect("console:campaign", pk)


@console_view
def campaign_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:campaign", pk)
    campaign = _managed(request, pk)
    change = {"publish": publish_campaign, "close": close_campaign}.get(action)
    if change is None:
        raise Http404
    try:
        change(campaign, actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    return redirect("console:campaign", pk)


# --- people served ------------------------------------------------------------------------------


def _served_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (both days included), this year by default."""
    today = timezone.localdate()
    start = parse_day(request.GET.get("from", "")) or today.replace(month=1, day=1)
    end = parse_day(request.GET.get("to", "")) or today
    return start, max(start, end)


def parse_day(value: str) -> dt.date | None:
    try:
        return parse_date(value.strip())
    except ValueError:
        return None


@console_view
def served(request: HttpRequest) -> HttpResponse:
    start, end = _served_period(request)
    context = {
        "start": start,
        "end": end,
        "served": people_served_for(request.user, start, end),
        "streets": served_by_street(request.user, start, end),
        "kinds": dict(ServiceKind.choices),
        "query": request.GET.urlencode(),
    }
    return render(request, "console/benefits/served.html", context)


SERVED_HEADER = [_l("区"), _l("区划代码"), _l("街镇"), _l("街镇代码"), _l("服务人数"), _l("服务次数")]


@console_view
def served_export(request: HttpRequest) -> HttpResponse:
    start, end = _served_period(request)
    rows = (
        [r["district"], r["district_code"], r["street"], r["street_code"], r["people"], r["events"]]
        for r in served_by_street(request.user, start, end)
    )
    return excel.export(_("服务人数"), SERVED_HEADER, rows)


# --- hand-outs ----------------------------------------------------------------------------------


def _claims(request: HttpRequest) -> QuerySet[Claim]:
    qs = claims_for(request.user)
    campaign = request.GET.get("campaign", "")
    if campaign.isdigit():
        qs = qs.filter(campaign_id=int(campaign))
    return qs.order_by("-claimed_at", "-id")


@console_view
def claim_list(request: HttpRequest) -> HttpResponse:
    context = {"campaigns": campaigns_for(request.user).order_by("-starts_at"), **paginate(request, _claims(request))}
    return render(request, "console/benefits/claims.html", context)


CLAIM_HEADER = [_l("领取时间"), _l("活动"), _l("会员编号"), _l("姓名"), _l("发放工会"), _l("发放阵地"), _l("经办")]


@console_view
def claim_export(request: HttpRequest) -> HttpResponse:
    """Names masked, as on the page: a hand-out list is no reason to reveal who someone is."""
    rows = (
        [timezone.localtime(c.claimed_at), c.campaign.title, c.membership.member_no, mask_name(c.person.name), c.org.name,
         c.position.name if c.position else "", c.actor_label]
        for c in _claims(request).iterator(chunk_size=2000)
    )  # fmt: skip
    return excel.export(_("福利发放"), CLAIM_HEADER, rows)
