"""The staff case endpoints (issue 9 contract). A staff token acts as its user: recording a
case for a worker, reading one in scope with its history, and moving it through its steps.
Thin views: cleaning in cases.inputs, writes in cases.services, reads in cases.access."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.case_serializers import (
    CaseActionSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseRefusalSerializer,
    CaseSerializer,
)
from gongyou.api.errors import error_response
from gongyou.api.serializers import ErrorSerializer
from gongyou.api.views.base import StaffView
from gongyou.api.views.benefits import ERRORS_401, ERRORS_403, ERRORS_429
from gongyou.cases.access import case_in_scope
from gongyou.cases.errors import Refused
from gongyou.cases.inputs import clean_case, clean_department, clean_note
from gongyou.cases.models import Case
from gongyou.cases.services import apply_action, submit_case
from gongyou.cases.vocab import API_ACTIONS, Action, Channel
from gongyou.core.access import root_org, staff_profile
from gongyou.core.actors import Actor

ERRORS_404 = OpenApiResponse(ErrorSerializer, description="诉求不存在，或不在令牌用户范围内")


def case_json(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "case_no": case.case_no,
        "type": case.type,
        "status": case.status,
        "assigned_org": {"id": case.assigned_org_id, "name": case.assigned_org.name},
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "warning_level": case.warning_level,
    }


def case_detail_json(case: Case) -> dict[str, Any]:
    events = case.events.select_related("org").order_by("at", "id")
    return {
        **case_json(case),
        "title": case.title,
        "description": case.description,
        "topic": case.topic,
        "submitted_at": case.submitted_at.isoformat(),
        "workers_involved": case.workers_involved,
        "amount_fen": case.amount_fen,
        "collective_action": case.collective_action,
        "history": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "org": {"id": e.org_id, "name": e.org.name},
                "status": e.to_status,
                "note": e.note,
            }
            for e in events
        ],
    }


def refusal_response(exc: Refused) -> Response:
    return Response(
        {"errors": {exc.field: [{"code": exc.code, "message": exc.text}]}},
        status=status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST,
    )


def _body(request: Request) -> Mapping[str, Any] | Response:
    if not isinstance(request.data, Mapping):
        return error_response("non_field_errors", "invalid", _("请求体应为 JSON 对象"), 400)
    return request.data


class CasesView(StaffView):
    @extend_schema(
        operation_id="cases_create",
        tags=["staff"],
        summary="代工人登记一件诉求",
        description=(
            "类型：opinion 意见建议、complaint 投诉、hardship 困难救助、legal_aid 法律援助、dispute 劳动争议。"
            "须给出 member_no，或非会员的 name + phone（加密存储）。会员的诉求交其所在工会承办，"
            "其余交所涉站点、企业或街镇的街镇总工会，都没有时交登记人所在工会。"
            "返回受理时限 due_at 和预警等级（按涉及人数、金额、群体性行为，阈值见 README）。"
        ),
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 400: ErrorSerializer, 401: ERRORS_401, 403: ERRORS_403, 429: ERRORS_429},
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        if isinstance(data, Response):
            return data
        clean = clean_case(data)
        profile = staff_profile(request.user)
        recorder = profile.org if profile is not None else root_org(request.user)
        case = submit_case(
            clean, channel=Channel.API, actor=Actor.staff(request.user), fallback_org=recorder, recorded_by=recorder
        )
        return Response(case_json(case), status=status.HTTP_201_CREATED)


class CaseView(StaffView):
    @extend_schema(
        operation_id="cases_retrieve",
        tags=["staff"],
        summary="一件诉求及其办理经过",
        description="history 按时间排列每一步（提交、受理、办理、转交、逾期上报、办结……）及当时承办的工会。",
        responses={200: CaseDetailSerializer, 401: ERRORS_401, 404: ERRORS_404, 429: ERRORS_429},
    )
    def get(self, request: Request, case_no: str) -> Response:
        return Response(case_detail_json(case_in_scope(request.user, case_no)))


class CaseActionsView(StaffView):
    @extend_schema(
        operation_id="cases_action",
        tags=["staff"],
        summary="办理一步",
        description=(
            "action：accept 受理、start 开始办理、resolve 办结、close 关闭、reject 不予受理（须写 note）、"
            "reopen 办结 30 天内重新办理、refer 转交部门（须给 department）。"
            "当前状态不允许这一步时返回 409 invalid_transition。"
        ),
        request=CaseActionSerializer,
        responses={
            200: CaseDetailSerializer,
            400: CaseRefusalSerializer,
            401: ERRORS_401,
            403: ERRORS_403,
            404: ERRORS_404,
            409: CaseRefusalSerializer,
            429: ERRORS_429,
        },
    )
    def post(self, request: Request, case_no: str) -> Response:
        data = _body(request)
        if isinstance(data, Response):
            return data
        case = case_in_scope(request.user, case_no)
        action = data.get("action")
        if not isinstance(action, str) or action not in API_ACTIONS:
            code = "required" if action in (None, "") else "invalid_choice"
            return error_response("action", code, _("action 应为 %(list)s 之一") % {"list": ", ".join(API_ACTIONS)}, 400)
        note = clean_note(data.get("note"))
        department = clean_department(data.get("department")) if action == Action.REFER else ""
        try:
            apply_action(case, action, actor=Actor.staff(request.user), note=note, department=department)
        except Refused as exc:
            return refusal_response(exc)
        return Response(case_detail_json(case_in_scope(request.user, case.case_no)))
