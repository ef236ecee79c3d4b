"""Response shapes of the staff insight endpoints, for the OpenAPI document."""

from __future__ import annotations

from rest_framework import serializers

from gongyou.core.choices import Industry


class UnionlessEnterpriseSerializer(serializers.Serializer):
    uscc = serializers.CharField(help_text="统一社会信用代码（18位）")
    name = serializers.CharField()
    industry = serializers.ChoiceField(choices=Industry.choices)
    district_code = serializers.CharField(allow_null=True, help_text="区的6位行政区划代码；未知为 null")
    street_code = serializers.CharField(allow_null=True, help_text="街道（乡镇）代码；未知为 null")
    is_head = serializers.BooleanField(help_text="是否头部企业")
    roster_workers = serializers.IntegerField(min_value=0, help_text="平台名册上的在册劳动者人数")
    individual_members = serializers.IntegerField(min_value=0, help_text="以个人方式入会、为该企业工作的会员人数")


class UnionlessListSerializer(serializers.Serializer):
    results = UnionlessEnterpriseSerializer(many=True)
    count = serializers.IntegerField(min_value=0, help_text="符合条件的企业总数（results 最多 limit 条）")
