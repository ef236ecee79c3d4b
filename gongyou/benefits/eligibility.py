"""Who may receive a campaign: one function, one reason code (seed §二(二)8; SPEC §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongyou.benefits.models import Campaign
from gongyou.members.models import Membership

# Codes are part of the staff API contract (`reason`); the texts are what the worker reads.
REASONS: dict[str, Any] = {
    "status": _("只有正常状态的会员可以领取"),
    "industry": _("这项活动只面向其他行业的劳动者"),
    "region": _("这项活动只面向其他区域的劳动者"),
    "labor_relation": _("这项活动只面向其他用工关系的劳动者"),
    "too_new": _("入会时间还不够长"),
}


def region_matches(street_code: str, region_codes: list[str]) -> bool:
    """A street (9 digits) is inside a district code (6 digits) that starts it."""
    return street_code in region_codes or street_code[:6] in region_codes


def ineligibility(campaign: Campaign, membership: Membership, *, now: dt.datetime) -> str | None:
    """None when the member may receive the campaign, else the first failing rule's code, in
    this order: status, industry, region, labor_relation, too_new. Only active members qualify;
    the region is where the member works. `membership.person.work_street` should be selected."""
    if membership.status != Membership.Status.ACTIVE:
        return "status"
    person = membership.person
    if campaign.industries and person.industry not in campaign.industries:
        return "industry"
    if campaign.region_codes and not region_matches(person.work_street.code, campaign.region_codes):
        return "region"
    if campaign.labor_relations and person.labor_relation not in campaign.labor_relations:
        return "labor_relation"
    if campaign.min_member_days:
        joined = membership.joined_at or membership.applied_at
        if joined is None or (now - joined) < dt.timedelta(days=campaign.min_member_days):
            return "too_new"
    return None
