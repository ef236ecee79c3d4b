"""Request and response shapes of the API (partner and public), for the OpenAPI document and the
responses.

Input is validated by gongyou.members.inputs.clean_worker (the same rules and error codes for
every joining channel), not by these serializers: they describe the contract, they do not
duplicate it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.models import Org
from gongyou.members.models import Membership
from gongyou.positions.vocab import Amenity, Kind


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误代码，例如 id_bad_check")
    message = serializers.CharField(help_text="给人看的说明（默认中文）")


class ErrorSerializer(serializers.Serializer):
    # The contract names the field "errors"; the serializer metaclass moves declared fields out of
    # the class namespace, so Serializer.errors is not shadowed at run time.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=ErrorItemSerializer(many=True), help_text="字段名 → 该字段的错误列表"
    )


class RosterWorkerSerializer(serializers.Serializer):
    external_id = serializers.CharField(min_length=1, max_length=64, help_text="该劳动者在平台系统中的编号")
    name = serializers.CharField(min_length=1, max_length=64)
    id_number = serializers.CharField(min_length=1, help_text="18位居民身份证号码")
    phone = serializers.CharField(min_length=1, help_text="11位手机号码")
    street_code = serializers.CharField(min_length=1, help_text="工作所在街镇的统计用区划代码（9位或12位）")
    station_code = serializers.CharField(required=False, allow_null=True, help_text="配送站点编码，可为空")
    labor_relation = serializers.ChoiceField(choices=LaborRelation.choices)
    industry = serializers.ChoiceField(choices=Industry.choices)
    active = serializers.BooleanField(required=False, default=True, help_text="是否仍在该平台工作")


class RosterRequestSerializer(serializers.Serializer):
    workers = RosterWorkerSerializer(  # type: ignore[call-arg]  # many=True makes a ListSerializer, which takes max_length
        many=True, max_length=5000, help_text="每批最多 5000 行；每行单独校验，有错误的行在 rejected 中报告"
    )


class RejectedRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="该行在 workers 中的位置（从 0 开始）")
    external_id = serializers.CharField()
    errors = serializers.DictField(child=ErrorItemSerializer(many=True))  # type: ignore[assignment]


class RosterResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = RejectedRowSerializer(many=True)


class JoinRequestSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=1, max_length=64)
    id_number = serializers.CharField(min_length=1)
    phone = serializers.CharField(min_length=1)
    street_code = serializers.CharField(min_length=1)
    industry = serializers.ChoiceField(choices=Industry.choices)
    labor_relation = serializers.ChoiceField(choices=LaborRelation.choices)
    employer_uscc = serializers.CharField(
        required=False, help_text="用工单位统一社会信用代码；用工关系为 employee 且未填写时，默认为本平台企业"
    )
    station_code = serializers.CharField(required=False, allow_null=True)
    external_id = serializers.CharField(required=False, max_length=64, help_text="该劳动者在平台系统中的编号")
    consent_version = serializers.CharField(min_length=1, max_length=20, help_text="劳动者同意的隐私告知版本")


class UnionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Org
        fields = ["id", "name", "kind"]


def union_data(org: Org) -> dict[str, Any]:
    """UnionSerializer's answer, built directly: a ModelSerializer introspects the model on
    every instantiation, which cost the partner API milliseconds per request."""
    return {"id": org.pk, "name": org.name, "kind": org.kind}


_DATETIME = serializers.DateTimeField()


def join_data(membership: Membership) -> dict[str, Any]:
    return {
        "member_no": membership.member_no,
        "status": membership.status,
        "union": union_data(membership.org),
        "reason": membership.reason_text,
    }


def member_data(membership: Membership) -> dict[str, Any]:
    return {
        "member_no": membership.member_no,
        "status": membership.status,
        "union": union_data(membership.org),
        "joined_at": _DATETIME.to_representation(membership.joined_at) if membership.joined_at else None,
    }


class JoinResponseSerializer(serializers.Serializer):
    """The shape for the OpenAPI document; answers are built by join_data."""

    member_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    union = UnionSerializer()
    reason = serializers.CharField(help_text="归属理由：入会规则为什么选择了这个工会")

    def to_representation(self, instance: Membership) -> dict[str, Any]:
        return join_data(instance)


class MemberSerializer(serializers.Serializer):
    """The shape for the OpenAPI document; answers are built by member_data."""

    member_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    union = UnionSerializer()
    joined_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: Membership) -> dict[str, Any]:
        return member_data(instance)


# --- public: nearby service positions -------------------------------------------------------------

_RESULT_FIELDS: dict[str, Any] = {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "type": serializers.ChoiceField(choices=Kind.values),
    "lng": serializers.FloatField(),
    "lat": serializers.FloatField(),
    "crs": serializers.ChoiceField(choices=["wgs84", "gcj02"]),
    "distance_m": serializers.IntegerField(),
    "open_now": serializers.BooleanField(),
    "amenities": serializers.ListField(child=serializers.ChoiceField(choices=Amenity.values)),
}
NearbySerializer = inline_serializer(
    "NearbyStations", {"results": inline_serializer("NearbyStation", _RESULT_FIELDS, many=True)}
)
