"""The staff benefits and insight endpoints (issue 8 contract). A staff token acts as its user:
the campaigns they may hand out, creating one, recording a hand-out, and people served in their
scope. Thin views: cleaning in benefits.inputs, writes in benefits.services, reads in
benefits.access / benefits.queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.benefit_serializers import (
    CampaignCreateSerializer,
    CampaignListSerializer,
    CampaignSerializer,
    ClaimRequestSerializer,
    ClaimSerializer,
    RefusalSerializer,
    ServedSerializer,
)
from gongyou.api.errors import error_response
from gongyou.api.serializers import ErrorSerializer
from gongyou.api.views.base import StaffView
from gongyou.benefits.access import campaign_for, campaigns_for
from gongyou.benefits.errors import Refused
from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.models import Campaign
from gongyou.benefits.queries import people_served_for
from gongyou.benefits.services import claim_benefit, create_campaign
from gongyou.core.access import orgs_in_scope, root_org
from gongyou.core.actors import Actor
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Org

ERRORS_401 = OpenApiResponse(ErrorSerializer, description="没有令牌，或令牌无效、已吊销")
ERRORS_403 = OpenApiResponse(ErrorSerializer, description="只读账号不能修改")
ERRORS_429 = OpenApiResponse(ErrorSerializer, description="请求过于频繁（按令牌限流）")


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "kind": campaign.kind,
        "title": campaign.title,
        "org": {"id": campaign.org_id, "name": campaign.org.name},
        "starts_at": campaign.starts_at.isoformat(),
        "ends_at": campaign.ends_at.isoformat(),
        "status": campaign.status,
        "quota": campaign.quota,
        "handed_out": getattr(campaign, "handed_out", 0),
    }


def refusal_response(exc: Refused) -> Response:
    item: dict[str, str] = {"code": str(exc.code), "message": exc.text}
    if exc.reason:
        item["reason"] = exc.reason
    return Response(
        {"errors": {exc.field: [item]}},
        status=status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST,
    )


def _acting_org(request: Request) -> Org:
    org = root_org(request.user)
    if org is None:
        raise Http404
    return org


class CampaignsView(StaffView):
    @extend_schema(
        operation_id="benefits_campaigns_list",
        tags=["staff"],
        summary="可发放的服务活动",
        description="令牌用户可以发放的活动：本组织、上级组织或本组织范围内的组织主办的活动。",
        responses={200: CampaignListSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        return Response({"results": [campaign_json(c) for c in campaigns_for(request.user)]})

    @extend_schema(
        operation_id="benefits_campaigns_create",
        tags=["staff"],
        summary="创建服务活动",
        description="默认立即发布（status 为 draft 时存为草稿）。org_id 默认令牌用户所在组织，须在其范围内。",
        request=CampaignCreateSerializer,
        responses={
            201: CampaignSerializer,
            400: ErrorSerializer,
            401: ERRORS_401,
            403: ERRORS_403,
            404: OpenApiResponse(ErrorSerializer, description="org_id 不存在或不在令牌用户范围内"),
            429: ERRORS_429,
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, Mapping):
            return error_response("non_field_errors", "invalid", _("请求体应为 JSON 对象"), 400)
        org = _acting_org(request)
        if "org_id" in data and data["org_id"] is not None:
            org_id = data["org_id"]
            if isinstance(org_id, bool) or not isinstance(org_id, int):
                return error_response("org_id", "invalid", _("org_id 应为整数"), 400)
            found = orgs_in_scope(request.user).filter(pk=org_id).first()
            if found is None:
                raise Http404
            org = found
        campaign = create_campaign(clean_campaign(data), org=org, actor=Actor.staff(request.user))
        return Response(campaign_json(campaign_for(request.user, campaign.pk)), status=status.HTTP_201_CREATED)


class ClaimsView(StaffView):
    @extend_schema(
        operation_id="benefits_claims_create",
        tags=["staff"],
        summary="登记一次发放",
        description=(
            "按会员编号或电子会员证二维码（全市通用）登记发放。同一会员同一活动全市只能领取一次。"
            "拒绝：409 already_claimed / quota_exhausted；400 not_eligible（含 reason）、campaign_closed、"
            "card_invalid、card_expired、member_not_found。活动不存在或不在范围内为 404。"
        ),
        request=ClaimRequestSerializer,
        responses={
            201: ClaimSerializer,
            400: RefusalSerializer,
            401: ERRORS_401,
            403: ERRORS_403,
            404: OpenApiResponse(ErrorSerializer, description="活动不存在或不在令牌用户范围内"),
            409: RefusalSerializer,
            429: ERRORS_429,
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, Mapping):
            return error_response("non_field_errors", "invalid", _("请求体应为 JSON 对象"), 400)
        errors = FieldErrors()
        campaign_id = data.get("campaign_id")
        if isinstance(campaign_id, bool) or not isinstance(campaign_id, int):
            errors.add_code(
                "campaign_id", _("campaign_id 应为整数"), "invalid" if campaign_id is not None else "required"
            )
        member_no, card = data.get("member_no"), data.get("card")
        if not isinstance(member_no, (str, type(None))) or not isinstance(card, (str, type(None))):
            errors.add_code("member", _("member_no 和 card 应为文本"), "invalid")
        elif not (member_no or card):
            errors.add_code("member", _("请提供会员编号或电子会员证二维码"), "required")
        errors.raise_if_any()  # the API's error shape (api.errors)
        campaign = campaign_for(request.user, campaign_id)  # type: ignore[arg-type]
        try:
            claim = claim_benefit(
                campaign,
                org=_acting_org(request),
                actor=Actor.staff(request.user),
                member_no=member_no or "",
                card=card or "",
            )
        except Refused as exc:
            return refusal_response(exc)
        return Response(
            {
                "id": claim.pk,
                "campaign_id": campaign.pk,
                "member_no": claim.membership.member_no,
                "claimed_at": claim.claimed_at.isoformat(),
            },
            status=status.HTTP_201_CREATED,
        )


def _day(value: str | None, field: str, errors: FieldErrors) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        day = parse_date(value)  # type: ignore[arg-type]
    except ValueError:
        day = None
    if day is None:
        errors.add_code(field, _("日期格式应为 YYYY-MM-DD"), "invalid")
    return day


class ServedView(StaffView):
    @extend_schema(
        operation_id="insight_served",
        tags=["staff"],
        summary="服务人数",
        description="令牌用户范围内，期间（含首尾两天）得到服务的不同人数、服务次数和按类型的不同人数。",
        parameters=[
            OpenApiParameter(
                "from", str, description="YYYY-MM-DD（含）", required=False, pattern=r"^\d{4}-\d{2}-\d{2}$"
            ),
            OpenApiParameter("to", str, description="YYYY-MM-DD（含）", required=False, pattern=r"^\d{4}-\d{2}-\d{2}$"),
        ],
        responses={200: ServedSerializer, 400: ErrorSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        errors = FieldErrors()
        date_from = _day(request.query_params.get("from"), "from", errors)
        date_to = _day(request.query_params.get("to"), "to", errors)
        if date_from and date_to and date_to < date_from:
            errors.add_code("to", _("结束日期不能早于开始日期"), "before_start")
        errors.raise_if_any()
        served = people_served_for(request.user, date_from, date_to)
        return Response({"people_served": served.people_served, "events": served.events, "by_kind": served.by_kind})
