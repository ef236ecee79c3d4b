"""Request and response shapes of the staff benefits and insight endpoints (issue 8 contract),
for the OpenAPI document. Input is cleaned by gongyou.benefits.inputs (one set of rules and
codes for every channel); these describe the contract, with its constraints, and do not repeat
the rules."""

from __future__ import annotations

from rest_framework import serializers

from gongyou.benefits.vocab import CampaignKind, CampaignStatus
from gongyou.core.choices import Industry, LaborRelation

# A new campaign is a draft or published at once (named in settings ENUM_NAME_OVERRIDES).
NEW_CAMPAIGN_STATUSES = [CampaignStatus.DRAFT, CampaignStatus.PUBLISHED]


class AudienceSerializer(serializers.Serializer):
    industries = serializers.ListField(
        child=serializers.ChoiceField(Industry.choices), required=False, help_text="空或不填 = 不限"
    )
    region_codes = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{6}([0-9]{3})?$"),
        required=False,
        help_text="区（6位）或街镇（9位）代码；空 = 不限",
    )
    labor_relations = serializers.ListField(child=serializers.ChoiceField(LaborRelation.choices), required=False)
    min_member_days = serializers.IntegerField(min_value=0, max_value=36500, required=False, help_text="最短入会天数")


class CampaignCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(CampaignKind.choices)
    title = serializers.CharField(max_length=128)
    org_id = serializers.IntegerField(required=False, min_value=1, help_text="主办工会；默认令牌用户所在组织")
    starts_at = serializers.DateTimeField(help_text="ISO 8601，带时区")
    ends_at = serializers.DateTimeField(help_text="ISO 8601，带时区，晚于 starts_at")
    quota = serializers.IntegerField(min_value=0, max_value=100_000_000)
    status = serializers.ChoiceField(NEW_CAMPAIGN_STATUSES, required=False, help_text="默认 published")
    description = serializers.CharField(required=False, allow_blank=True)
    items = serializers.CharField(required=False, allow_blank=True, max_length=200)
    funding_source = serializers.CharField(required=False, allow_blank=True, max_length=200)
    audience = AudienceSerializer(required=False)


class OrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(CampaignKind.choices)
    title = serializers.CharField()
    org = OrgRefSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(CampaignStatus.choices)
    quota = serializers.IntegerField()
    handed_out = serializers.IntegerField()


class CampaignListSerializer(serializers.Serializer):
    results = CampaignSerializer(many=True)


class ClaimRequestSerializer(serializers.Serializer):
    campaign_id = serializers.IntegerField(min_value=1)
    member_no = serializers.CharField(required=False, max_length=32, help_text="会员编号；与 card 二选一")
    card = serializers.CharField(required=False, max_length=2000, help_text="电子会员证二维码的文本")


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign_id = serializers.IntegerField()
    member_no = serializers.CharField()
    claimed_at = serializers.DateTimeField()


class RefusalItemSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="already_claimed, quota_exhausted, not_eligible, campaign_closed, card_invalid, card_expired …"
    )
    message = serializers.CharField()
    reason = serializers.CharField(
        required=False, help_text="not_eligible 时：status, industry, region, labor_relation, too_new"
    )


class RefusalSerializer(serializers.Serializer):
    errors = serializers.DictField(child=RefusalItemSerializer(many=True))  # type: ignore[assignment]


class ServedSerializer(serializers.Serializer):
    people_served = serializers.IntegerField(help_text="期间内得到服务的不同人数")
    events = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField(), help_text="服务类型 → 不同人数")
