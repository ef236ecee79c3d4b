"""Request and response shapes of the staff funds endpoints (issue 11 contract), for the OpenAPI
document. Input is cleaned by gongyou.funds.inputs (one set of rules and codes for every
channel); these describe the contract and do not repeat the rules."""

from __future__ import annotations

from rest_framework import serializers

from gongyou.api.benefit_serializers import OrgRefSerializer
from gongyou.funds.inputs import MAX_AMOUNT_FEN
from gongyou.funds.vocab import Source


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = OrgRefSerializer()
    source = serializers.ChoiceField(Source.choices)  # type: ignore[assignment]
    balance_fen = serializers.IntegerField(help_text="余额（分）；资金来源账户为负数表示其投入的金额")
    may_go_negative = serializers.BooleanField()


class AccountListSerializer(serializers.Serializer):
    results = AccountSerializer(many=True)


class TransactionRequestSerializer(serializers.Serializer):
    from_account = serializers.IntegerField(min_value=1, help_text="付款账户 id（须在令牌用户范围内）")
    to_account = serializers.IntegerField(min_value=1, help_text="收款账户 id（须在令牌用户范围内）")
    amount_fen = serializers.IntegerField(
        min_value=1, max_value=MAX_AMOUNT_FEN, help_text="整数分；带小数的数字或字符串一律拒绝（invalid_amount）"
    )
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200)
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text="重试时带同一个键：返回 200 和第一次的流水"
    )


class TransactionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_account = serializers.IntegerField()
    to_account = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    posted_at = serializers.DateTimeField()


class ReverseRequestSerializer(serializers.Serializer):
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200)


class FundsRefusalItemSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="invalid_amount, same_account, invalid_key, insufficient_funds, idempotency_key_reused, "
        "already_reversed, not_reversible …"
    )
    message = serializers.CharField()


class FundsRefusalSerializer(serializers.Serializer):
    errors = serializers.DictField(child=FundsRefusalItemSerializer(many=True))  # type: ignore[assignment]


class TrialBalanceSerializer(serializers.Serializer):
    total_fen = serializers.IntegerField(help_text="范围内账户余额之和；全市（整本账）恒为 0")
    accounts = serializers.IntegerField(help_text="范围内账户数")
