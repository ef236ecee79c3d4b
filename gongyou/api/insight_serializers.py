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


class KpiMonthSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    members_active = serializers.IntegerField(min_value=0, help_text="月末（本月：此刻）在册会员数")
    new_members = serializers.IntegerField(min_value=0, help_text="当月新增会员数")
    people_served = serializers.IntegerField(min_value=0, help_text="当月获得服务的不重复人数")


class KpisSerializer(serializers.Serializer):
    region = serializers.CharField(allow_null=True, help_text="所查区划代码；未指定为 null（令牌用户的全部范围）")
    members_active = serializers.IntegerField(min_value=0, help_text="此刻在册会员数（按工作街镇计）")
    people_served = serializers.IntegerField(min_value=0, help_text="from…to 各月内获得服务的不重复人数（跨月只计一次）")
    roster_workers = serializers.IntegerField(min_value=0, help_text="合作平台名册在岗的不重复人数")
    head_enterprises = serializers.IntegerField(min_value=0)
    head_enterprises_with_union = serializers.IntegerField(min_value=0)
    stations = serializers.IntegerField(min_value=0)
    stations_with_union = serializers.IntegerField(min_value=0)
    months = KpiMonthSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    district_code = serializers.CharField(help_text="区的6位行政区划代码")
    name = serializers.CharField()
    score = serializers.FloatField(min_value=0, max_value=100, help_text="考核得分（0–100，一位小数）")
    parts = serializers.DictField(
        child=serializers.FloatField(), help_text="各指标贡献的分数（指标代码 → 分），其和为 score"
    )


class RankingSerializer(serializers.Serializer):
    results = RankingRowSerializer(many=True)
