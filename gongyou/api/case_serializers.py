"""Request and response shapes of the staff case endpoints (issue 9 contract), for the OpenAPI
document. Input is cleaned by gongyou.cases.inputs (one set of rules and codes for every
channel); these describe the contract and do not repeat the rules."""

from __future__ import annotations

from rest_framework import serializers

from gongyou.api.benefit_serializers import OrgRefSerializer
from gongyou.cases.vocab import API_ACTIONS, Action, CaseStatus, CaseType, Department, Topic, WarningLevel


class CaseCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(CaseType.choices)  # type: ignore[assignment]
    member_no = serializers.CharField(required=False, help_text="会员编号；与 name + phone 二选一")
    name = serializers.CharField(required=False, max_length=64, help_text="非会员的姓名（加密存储）")
    phone = serializers.CharField(required=False, help_text="非会员的手机号码（加密存储）")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000)
    topic = serializers.ChoiceField(Topic.choices, required=False, help_text="事由（集中反映预警按事由归类）")
    enterprise_uscc = serializers.CharField(required=False, help_text="涉及企业的统一社会信用代码")
    station_code = serializers.CharField(required=False, help_text="涉及站点编码")
    street_code = serializers.CharField(required=False, help_text="发生地街镇区划代码（9位）")
    workers_involved = serializers.IntegerField(required=False, min_value=1, help_text="涉及人数，默认 1")
    amount_fen = serializers.IntegerField(required=False, min_value=0, help_text="涉及金额（整数分）")
    collective_action = serializers.BooleanField(required=False, help_text="是否有群体性行为")


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_no = serializers.CharField()
    type = serializers.ChoiceField(CaseType.choices)  # type: ignore[assignment]
    status = serializers.ChoiceField(CaseStatus.choices)  # type: ignore[assignment]
    assigned_org = OrgRefSerializer()
    due_at = serializers.DateTimeField(allow_null=True, help_text="当前阶段的办理时限；办结或不予受理后为 null")
    warning_level = serializers.ChoiceField(WarningLevel.choices)  # type: ignore[assignment]


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(Action.choices)  # type: ignore[assignment]
    org = OrgRefSerializer()
    status = serializers.ChoiceField(CaseStatus.choices, help_text="这一步之后的状态")  # type: ignore[assignment]
    note = serializers.CharField(allow_blank=True)


class CaseDetailSerializer(CaseSerializer):
    title = serializers.CharField()
    description = serializers.CharField()
    topic = serializers.ChoiceField(Topic.choices)  # type: ignore[assignment]
    submitted_at = serializers.DateTimeField()
    workers_involved = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    collective_action = serializers.BooleanField()
    history = HistorySerializer(many=True)


class CaseActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField([(a, a) for a in API_ACTIONS])  # type: ignore[assignment]
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    department = serializers.ChoiceField(
        Department.choices, required=False, help_text="refer 时必填：转交的部门"
    )  # type: ignore[assignment]


class CaseRefusalItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid_transition（409）、note_required、required …")
    message = serializers.CharField()


class CaseRefusalSerializer(serializers.Serializer):
    errors = serializers.DictField(child=CaseRefusalItemSerializer(many=True))  # type: ignore[assignment]
