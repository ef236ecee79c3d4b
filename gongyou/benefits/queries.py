"""Reads for dashboards and the worker's page: people served, campaigns a member can claim."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from gongyou.benefits.access import campaigns_for
from gongyou.benefits.eligibility import REASONS, ineligibility
from gongyou.benefits.models import Campaign, Claim, ServiceEvent
from gongyou.benefits.services import already_claimed
from gongyou.benefits.vocab import CampaignStatus
from gongyou.core.access import AnyUser, scope_org_ids
from gongyou.core.models import OrgReach
from gongyou.members.models import Membership


@dataclass(frozen=True)
class Served:
    people_served: int
    events: int
    by_kind: dict[str, int]  # distinct persons per kind


def _period(qs: QuerySet[ServiceEvent], date_from: dt.date | None, date_to: dt.date | None) -> QuerySet[ServiceEvent]:
    """Both days included, in Shanghai days."""
    if date_from is not None:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_to is not None:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)))
    return qs


def people_served(
    scope_ids: QuerySet[OrgReach, Any] | None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Served:
    """Distinct persons served in the period by orgs in the scope (None = the whole city).

    Three aggregate queries over the covering indexes (at, person) / (org, at, person): no row
    is fetched, so a year of 5M events stays an index-only count on PostgreSQL."""
    qs = _period(ServiceEvent.objects.all(), date_from, date_to)
    if scope_ids is not None:
        qs = qs.filter(org__in=scope_ids)
    totals = qs.aggregate(people=Count("person", distinct=True), events=Count("id"))
    by_kind = {
        row["kind"]: row["people"]
        for row in qs.order_by().values("kind").annotate(people=Count("person", distinct=True))
    }
    return Served(totals["people"], totals["events"], by_kind)


def people_served_for(user: AnyUser, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Served:
    return people_served(scope_org_ids(user), date_from, date_to)


def served_by_street(
    user: AnyUser, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict[str, Any]]:
    """People served per street where they were served, with the district, for the user's scope."""
    qs = _period(ServiceEvent.objects.filter(street__isnull=False), date_from, date_to)
    ids = scope_org_ids(user)
    if ids is not None:
        qs = qs.filter(org__in=ids)
    rows = (
        qs.order_by()
        .values("street__code", "street__name", "street__parent__code", "street__parent__name")
        .annotate(people=Count("person", distinct=True), events=Count("id"))
    )
    return sorted(
        (
            {"district_code": r["street__parent__code"], "district": r["street__parent__name"], "street_code": r["street__code"],
             "street": r["street__name"], "people": r["people"], "events": r["events"]}
            for r in rows
        ),
        key=lambda r: r["street_code"],
    )  # fmt: skip


@dataclass(frozen=True)
class MemberCampaign:
    campaign: Campaign
    reason: str | None  # None: can claim now

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


def campaigns_for_member(membership: Membership, *, now: dt.datetime | None = None) -> list[MemberCampaign]:
    """Published, running campaigns the member has not received yet, each with the reason they
    cannot claim it (None = they can) — the portal's "我的福利"."""
    now = now or timezone.now()
    membership = Membership.objects.select_related("person__work_street").get(pk=membership.pk)
    received = Claim.objects.filter(person_id=membership.person_id).values("campaign_id")
    running = (
        Campaign.objects.select_related("org")
        .filter(status=CampaignStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
        .exclude(pk__in=received)
        .order_by("ends_at", "id")
    )
    return [MemberCampaign(c, ineligibility(c, membership, now=now)) for c in running]


def claims_of(membership: Membership) -> QuerySet[Claim]:
    """What the person has received, newest first."""
    return Claim.objects.select_related("campaign", "org", "position").filter(person_id=membership.person_id)


@dataclass(frozen=True)
class StationOffer:
    """One running campaign as the station page shows it for the member in front of the staff
    member: received already (`claim`), or refused (`reason`), or theirs to receive now."""

    campaign: Campaign
    claim: Claim | None
    reason: str | None

    @property
    def can_receive(self) -> bool:
        return self.claim is None and self.reason is None

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""

    @property
    def received_text(self) -> str:
        """ "Already received on DATE at PLACE", worded as the hand-out service refuses it."""
        return already_claimed(self.claim).text if self.claim is not None else ""


def station_offers(user: AnyUser, membership: Membership, *, now: dt.datetime | None = None) -> list[StationOffer]:
    """Every published, running campaign the staff user may hand out, for this member: what they
    have received (with when and where) and, for the rest, the audience rule's reason or none.
    Two queries whatever the number of campaigns (seed §二(二)8, hand-out at a station)."""
    now = now or timezone.now()
    running = list(
        campaigns_for(user)
        .filter(status=CampaignStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
        .order_by("ends_at", "id")
    )
    received = {
        c.campaign_id: c
        for c in Claim.objects.select_related("org", "position").filter(
            person_id=membership.person_id, campaign__in=[c.pk for c in running]
        )
    }
    return [
        StationOffer(c, received.get(c.pk), None if c.pk in received else ineligibility(c, membership, now=now))
        for c in running
    ]
