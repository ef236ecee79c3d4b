"""The staff insight endpoint for blind spots (issue 10 contract): registered, active enterprises
in the target industries with no union, within the token user's territory, in the ranking order
of insight.gaps. Thin view: parameters checked here, the query in insight.gaps."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.insight_serializers import KpisSerializer, RankingSerializer, UnionlessListSerializer
from gongyou.api.serializers import ErrorSerializer
from gongyou.api.views.base import StaffView
from gongyou.api.views.benefits import ERRORS_401, ERRORS_429
from gongyou.core.choices import Industry
from gongyou.core.errors import FieldErrors
from gongyou.insight.access import area_for
from gongyou.insight.assessment import ranking_contract
from gongyou.insight.gaps import MAX_LIMIT, unionless_contract
from gongyou.insight.queries import kpis, months_between
from gongyou.insight.served import month_start
from gongyou.insight.services import PERIODS
from gongyou.insight.snapshots import default_start

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


MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
REGION = re.compile(r"[0-9]{6}|[0-9]{9}")
MAX_MONTHS = 60


def _month(value: str | None, name: str, errors: FieldErrors) -> dt.date | None:
    if value is None:
        return None
    match = MONTH.fullmatch(value)
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        errors.add_code(name, _("%(name)s 应为 YYYY-MM 格式的月份") % {"name": name}, "invalid")
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class KpisView(StaffView):
    @extend_schema(
        operation_id="insight_kpis",
        tags=["staff"],
        summary="覆盖指标（会员、服务人数、名册、头部企业、站点）",
        description=(
            "令牌用户范围内（或所指区、街镇）的指标：在册会员、名册在岗人数、头部企业与站点的建会情况为此刻的数值；"
            "people_served 为 from…to（含首尾两月）内获得服务的不重复人数；months 为逐月数值。会员按工作所在的区、街镇计，"
            "16个区相加等于全市。数值来自每日快照加当日变化。region 不存在或不在范围内为 404。"
            "未指定 from/to 时为截至本月的13个月。"
        ),
        parameters=[
            OpenApiParameter(
                "region", str, description="区（6位）或街镇（9位）区划代码", required=False, pattern=r"^(\d{6}|\d{9})$"
            ),
            OpenApiParameter("from", str, description="起始月份 YYYY-MM（含）", required=False, pattern=r"^\d{4}-\d{2}$"),
            OpenApiParameter("to", str, description="结束月份 YYYY-MM（含）", required=False, pattern=r"^\d{4}-\d{2}$"),
        ],
        responses={
            200: KpisSerializer,
            400: ErrorSerializer,
            401: ERRORS_401,
            404: OpenApiResponse(ErrorSerializer, description="region 不存在或不在令牌用户范围内"),
            429: ERRORS_429,
        },
    )
    def get(self, request: Request) -> Response:
        errors = FieldErrors()
        region = request.query_params.get("region")
        if region is not None and not REGION.fullmatch(region):
            errors.add_code("region", _("region 应为6位或9位行政区划代码"), "invalid")
        first = _month(request.query_params.get("from"), "from", errors)
        last = _month(request.query_params.get("to"), "to", errors)
        errors.raise_if_any()
        last = last or month_start(timezone.localdate())
        first = first or default_start(last)
        if last < first:
            errors.add_code("to", _("结束月份不能早于起始月份"), "before_start")
        elif len(months_between(first, last)) > MAX_MONTHS:
            errors.add_code("from", _("一次最多查询%(n)d个月") % {"n": MAX_MONTHS}, "too_long")
        errors.raise_if_any()
        area = area_for(request.user, region)
        return Response(kpis(area, first, last))


class RankingView(StaffView):
    @extend_schema(
        operation_id="insight_ranking",
        tags=["staff"],
        summary="区考核排名",
        description=(
            "period 年度各区的考核得分，从高到低：得分 = 100 × Σ(权重 × min(1, 完成值/目标值)) / Σ权重，"
            "只计市总工会为该区设定了目标的指标；parts 为各指标贡献的分数。市总工会看全部16个区，"
            "区总工会看本区，其他账号为空列表。"
        ),
        parameters=[
            OpenApiParameter("period", str, description="考核年度 YYYY（默认今年）", required=False, pattern=r"^\d{4}$"),
        ],
        responses={200: RankingSerializer, 400: ErrorSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        errors = FieldErrors()
        period = request.query_params.get("period")
        if period is not None and (not re.fullmatch(r"[0-9]{4}", period) or int(period) not in PERIODS):
            errors.add_code("period", _("period 应为2020到2100之间的年份"), "invalid")
        errors.raise_if_any()
        return Response(ranking_contract(request.user, int(period) if period else timezone.localdate().year))
