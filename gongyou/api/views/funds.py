"""The staff funds endpoints (issue 11 contract). A staff token acts as its user: the accounts in
their scope, a posting between two of them (idempotent by key), a reversal, the trial balance.
Thin views: cleaning in funds.inputs, writes in funds.services, reads in funds.access/reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from gongyou.api.errors import error_response
from gongyou.api.fund_serializers import (
    AccountListSerializer,
    FundsRefusalSerializer,
    ReverseRequestSerializer,
    TransactionRequestSerializer,
    TransactionSerializer,
    TrialBalanceSerializer,
)
from gongyou.api.serializers import ErrorSerializer
from gongyou.api.views.base import StaffView
from gongyou.api.views.benefits import ERRORS_401, ERRORS_403, ERRORS_429
from gongyou.core.actors import Actor
from gongyou.funds.access import account_in_scope, accounts_in_scope, transaction_in_scope
from gongyou.funds.errors import Refused
from gongyou.funds.inputs import clean_amount_fen, clean_posting
from gongyou.funds.models import Account, Transaction
from gongyou.funds.reports import trial_balance
from gongyou.funds.services import post_transaction, reverse_transaction

ERRORS_404 = OpenApiResponse(ErrorSerializer, description="账户或流水不存在，或不在令牌用户范围内")


def account_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.pk,
        "org": {"id": account.org_id, "name": account.org.name},
        "source": account.source,
        "balance_fen": account.balance_fen,
        "may_go_negative": account.may_go_negative,
    }


def transaction_json(txn: Transaction) -> dict[str, Any]:
    return {
        "id": txn.pk,
        "from_account": txn.from_account_id,
        "to_account": txn.to_account_id,
        "amount_fen": txn.amount_fen,
        "posted_at": txn.posted_at.isoformat(),
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


def _account_id(data: Mapping[str, Any], field: str) -> int | Response:
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        code = "required" if value is None else "invalid"
        return error_response(field, code, _("%(field)s 应为账户 id（整数）") % {"field": field}, 400)
    return value


class AccountsView(StaffView):
    @extend_schema(
        operation_id="funds_accounts_list",
        tags=["staff"],
        summary="经费账户",
        description="令牌用户范围内的经费账户及余额（分）。",
        responses={200: AccountListSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        return Response({"results": [account_json(a) for a in accounts_in_scope(request.user).order_by("pk")]})


class TransactionsView(StaffView):
    @extend_schema(
        operation_id="funds_transactions_create",
        tags=["staff"],
        summary="记一笔转账",
        description=(
            "从一个账户转到另一个账户（两者都须在令牌用户范围内）。同一 idempotency_key 再次提交返回 200 "
            "和第一次的流水。拒绝：400 invalid_amount（零、负数、小数、浮点数或带小数的字符串）、same_account；"
            "409 insufficient_funds、idempotency_key_reused；账户不在范围内为 404。"
        ),
        request=TransactionRequestSerializer,
        responses={
            200: TransactionSerializer,
            201: TransactionSerializer,
            400: FundsRefusalSerializer,
            401: ERRORS_401,
            403: ERRORS_403,
            404: ERRORS_404,
            409: FundsRefusalSerializer,
            429: ERRORS_429,
        },
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        if isinstance(data, Response):
            return data
        for field in ("memo", "idempotency_key"):
            if data.get(field) is not None and not isinstance(data.get(field), str):
                return error_response(field, "invalid", _("%(field)s 应为文本") % {"field": field}, 400)
        try:
            if isinstance(data.get("amount_fen"), str):
                # JSON has numbers: "1000" in quotes is refused like "10.00" (a form may send digits).
                clean_amount_fen(None)
            posting = clean_posting({k: data.get(k) for k in ("amount_fen", "memo", "idempotency_key")})
        except Refused as exc:
            return refusal_response(exc)
        ids = []
        for field in ("from_account", "to_account"):
            found = _account_id(data, field)
            if isinstance(found, Response):
                return found
            ids.append(found)
        from_account = account_in_scope(request.user, ids[0])
        to_account = account_in_scope(request.user, ids[1])
        try:
            posted = post_transaction(from_account, to_account, posting, actor=Actor.staff(request.user))
        except Refused as exc:
            return refusal_response(exc)
        code = status.HTTP_201_CREATED if posted.created else status.HTTP_200_OK
        return Response(transaction_json(posted.transaction), status=code)


class ReverseView(StaffView):
    @extend_schema(
        operation_id="funds_transactions_reverse",
        tags=["staff"],
        summary="冲正一笔流水",
        description="记一笔反方向的新流水并与原流水关联；每笔只能冲正一次（409 already_reversed）。",
        request=ReverseRequestSerializer,
        responses={
            201: TransactionSerializer,
            400: ErrorSerializer,
            401: ERRORS_401,
            403: ERRORS_403,
            404: ERRORS_404,
            409: FundsRefusalSerializer,
            429: ERRORS_429,
        },
    )
    def post(self, request: Request, id: int) -> Response:  # noqa: A002 (the contract's {id})
        data = _body(request)
        if isinstance(data, Response):
            return data
        memo = data.get("memo")
        if memo is not None and not isinstance(memo, str):
            return error_response("memo", "invalid", _("memo 应为文本"), 400)
        original = transaction_in_scope(request.user, id)
        both = {original.from_account_id, original.to_account_id}
        if accounts_in_scope(request.user).filter(pk__in=both).count() != len(both):
            raise Http404  # a reversal moves money on both sides: both must be in scope
        try:
            reversal = reverse_transaction(original, memo=memo or "", actor=Actor.staff(request.user))
        except Refused as exc:
            return refusal_response(exc)
        return Response(transaction_json(reversal), status=status.HTTP_201_CREATED)


class TrialBalanceView(StaffView):
    @extend_schema(
        operation_id="funds_trial_balance",
        tags=["staff"],
        summary="试算平衡",
        description="令牌用户范围内账户余额之和；全市（整本账）total_fen 恒为 0。",
        responses={200: TrialBalanceSerializer, 401: ERRORS_401, 429: ERRORS_429},
    )
    def get(self, request: Request) -> Response:
        result = trial_balance(accounts_in_scope(request.user))
        return Response({"total_fen": result.total_fen, "accounts": result.accounts})
