"""The partner API (issue 2 contract): roster upsert, join, member lookup.

Thin views: input goes to the same cleaning and services as every other channel
(members.inputs.clean_worker, partners.services.join_via_partner, members.roster.upsert_roster)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.auth import FailureThrottle
from gongyou.api.errors import error_response
from gongyou.api.serializers import (
    ErrorSerializer,
    JoinRequestSerializer,
    JoinResponseSerializer,
    MemberSerializer,
    RosterRequestSerializer,
    RosterResultSerializer,
    join_data,
    member_data,
)
from gongyou.api.views.base import PartnerView
from gongyou.core.actors import Actor
from gongyou.members.inputs import clean_worker
from gongyou.members.numbers import is_valid_member_no
from gongyou.members.roster import upsert_roster
from gongyou.partners.access import visible_member
from gongyou.partners.services import join_via_partner

ERRORS_401 = OpenApiResponse(ErrorSerializer, description="没有令牌，或令牌无效、已吊销")
ERRORS_429 = OpenApiResponse(ErrorSerializer, description="请求过于频繁（按令牌限流）")


# Room for a full batch of long rows, pretty-printed: real rows are well under 1 KB of JSON.
ROSTER_BYTES_PER_ROW = 4096


class RosterView(PartnerView):
    def max_body_bytes(self) -> int:
        rows = settings.GONGYOU["ROSTER_BATCH_MAX"] * ROSTER_BYTES_PER_ROW
        return max(rows, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)

    @extend_schema(
        operation_id="partner_roster_upsert",
        tags=["partner"],
        summary="上传/更新平台名册",
        description=(
            "按（企业, external_id）增量更新名册。各行相互独立：有错误的行在 rejected 中报告，"
            "不影响其他行；重复发送同一批次不会改变任何数据。名册不会使任何人成为会员。"
        ),
        request=RosterRequestSerializer,
        responses={
            200: RosterResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="请求体不是 {\"workers\": [...]}"),
            401: ERRORS_401,
            413: OpenApiResponse(ErrorSerializer, description="一批超过 5000 行"),
            429: ERRORS_429,
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, Mapping) or "workers" not in data:
            return error_response("workers", "required", _("请求体应为 {\"workers\": [...]}"), 400)
        rows = data["workers"]
        if not isinstance(rows, list):
            return error_response("workers", "not_a_list", _("workers 必须是一个数组"), 400)
        limit = settings.GONGYOU["ROSTER_BATCH_MAX"]
        if len(rows) > limit:
            return error_response(
                "workers",
                "batch_too_large",
                _("每批最多%(limit)d行，本批有%(count)d行，请分批发送") % {"limit": limit, "count": len(rows)},
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        enterprise = self.enterprise(request)
        result = upsert_roster(enterprise, rows, actor=Actor.partner(enterprise))
        return Response(
            {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": [
                    {"index": r["index"], "external_id": r["external_id"], "errors": r["errors"]}
                    for r in result.rejected
                ],
            }
        )


class JoinView(PartnerView):
    @extend_schema(
        operation_id="partner_join",
        tags=["partner"],
        summary="代劳动者申请入会",
        description=(
            "按入会规则确定所属工会。新会籍返回 201；此人已是会员时返回 200 和原会籍（同一会员编号）。"
            "输入有误返回 400，不保存任何数据。"
        ),
        request=JoinRequestSerializer,
        responses={
            201: OpenApiResponse(JoinResponseSerializer, description="新会籍"),
            200: OpenApiResponse(JoinResponseSerializer, description="此人已是会员"),
            400: ErrorSerializer,
            401: ERRORS_401,
            413: OpenApiResponse(ErrorSerializer, description="请求体过大"),
            429: ERRORS_429,
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, Mapping):
            return error_response("non_field_errors", "not_an_object", _("请求体必须是一个 JSON 对象"), 400)
        enterprise = self.enterprise(request)
        worker = clean_worker(request.data, default_employer=enterprise)
        result = join_via_partner(enterprise, worker, actor=Actor.partner(enterprise))
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(join_data(result.membership), status=code)


class MemberView(PartnerView):
    @extend_schema(
        operation_id="partner_member_lookup",
        tags=["partner"],
        summary="查询会员状态",
        description="只能查询本平台名册上的会员或通过本平台入会的会员；其他会员编号一律返回 404。",
        responses={
            200: MemberSerializer,
            401: ERRORS_401,
            404: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="请求过于频繁，或查询不存在的会员编号次数过多"),
        },
    )
    def get(self, request: Request, member_no: str) -> Response:
        number = member_no.strip().upper()
        membership = None
        if is_valid_member_no(number):
            membership = visible_member(self.enterprise(request), number)
        if membership is None:
            # Malformed, missing and "not yours" look the same, and count as a failure: only
            # someone counting through numbers meets many of them.
            FailureThrottle().record(request)
            raise exceptions.NotFound(_("找不到这名会员"))
        return Response(member_data(membership))
