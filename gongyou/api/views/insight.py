"""The staff insight endpoint for blind spots (issue 10 contract): registered, active enterprises
in the target industries with no union, within the token user's territory, in the ranking order
of insight.gaps. Thin view: parameters checked here, the query in insight.gaps."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.insight_serializers import UnionlessListSerializer
from gongyou.api.serializers import ErrorSerializer
from gongyou.api.views.base import StaffView
from gongyou.api.views.benefits import ERRORS_401, ERRORS_429
from gongyou.core.choices import Industry
from gongyou.core.errors import FieldErrors
from gongyou.insight.gaps import MAX_LIMIT, unionless_contract

DISTRICT = re.compile(r"[0-9]{6}")
DEFAULT_LIMIT = 100


def _limit(value: str | None, errors: FieldErrors) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,7}", value) or not 1 <= int(value) <= MAX_LIMIT:
        errors.add_code("limit", _("limit 应为 1 到 1000 的整数"), "invalid")
        return DEFAULT_LIMIT
    return int(value)


class UnionlessView(StaffView):
    @extend_schema(
        operation_id="insight_unionless",
        tags=["staff"],
        summary="未建会企业（建会盲区）",
        description=(
            "令牌用户辖区内已登记、存续、属于目标行业且没有工会的企业：头部企业在前，再按平台名册在册人数、"
            "个人入会会员人数排序。街道总工会看本街道登记的企业，区总工会看本区（街道已知或未知），市总工会看全部。"
            "count 为全部符合条件的企业数，results 为前 limit 条。"
        ),
        parameters=[
            OpenApiParameter("district", str, description="区的6位行政区划代码", required=False, pattern=r"^\d{6}$"),
            OpenApiParameter("industry", str, description="行业", required=False, enum=Industry.values),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                description=f"最多返回条数，默认 {DEFAULT_LIMIT}",
                required=False,
            ),
        ],
        responses={200: UnionlessListSerializer, 400: ErrorSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        errors = FieldErrors()
        district = request.query_params.get("district")
        if district is not None and not DISTRICT.fullmatch(district):
            errors.add_code("district", _("district 应为6位行政区划代码"), "invalid")
        industry = request.query_params.get("industry")
        if industry is not None and industry not in Industry.values:
            errors.add_code("industry", _("不认识的行业"), "invalid_choice")
        limit = _limit(request.query_params.get("limit"), errors)
        errors.raise_if_any()
        return Response(unionless_contract(request.user, district=district or "", industry=industry or "", limit=limit))
