"""Reads for dashboards and the worker's page: people served, campaigns a member can claim."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from gongyou.benefits.access import campaigns_for
from gongyou.benefits.eligibility import REASONS, ineligibility
from gongyou.benefits.events import ANY_KIND
from gongyou.benefits.models import (
    Allocation,
    Appointment,
    AppointmentSlot,
    Campaign,
    Claim,
    Enrolment,
    InsurancePlan,
    ServedDay,
    ServiceEvent,
)
from gongyou.benefits.services import already_claimed
from gongyou.benefits.vocab import CampaignStatus, PlanStatus
from gongyou.core.access import AnyUser, scope_org_ids, staff_profile
from gongyou.core.models import Org, OrgReach, Region
from gongyou.members.models import Membership
from gongyou.positions.models import ServicePosition
from gongyou.positions.vocab import Status as PositionStatus


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

    The city from 1 January to a day of the same year — the dashboards' figure, "over a year" —
    is read from the daily tallies (ServedDay, kept with every event): a sum over at most a
    year of rows. Anything else counts distinct persons over the events, through the covering
    indexes (at, person) / (org, at, person); a scope is a part of the city, so far fewer rows."""
    if scope_ids is None and date_from is not None and date_to is not None and _within_a_year(date_from, date_to):
        return _served_from_tallies(date_from, date_to)
    qs = _period(ServiceEvent.objects.all(), date_from, date_to)
    if scope_ids is not None:
        qs = qs.filter(org__in=scope_ids)
    totals = qs.aggregate(people=Count("person", distinct=True), events=Count("id"))
    by_kind = {
        row["kind"]: row["people"]
        for row in qs.order_by().values("kind").annotate(people=Count("person", distinct=True))
    }
    return Served(totals["people"], totals["events"], by_kind)


def _within_a_year(first: dt.date, last: dt.date) -> bool:
    """From 1 January to a day of the same year: what the tallies answer exactly."""
    return first.month == first.day == 1 and last.year == first.year


def _served_from_tallies(first: dt.date, last: dt.date) -> Served:
    """From 1 January (`first`) to `last`: the people whose first service of the year came by
    `last`, and the events of those days — one query over ServedDay."""
    rows = (
        ServedDay.objects.filter(day__gte=first, day__lte=last)
        .order_by()
        .values("kind")
        .annotate(people=Sum("new_people"), events=Sum("events"))
    )
    totals = {r["kind"]: r for r in rows}
    every = totals.pop(ANY_KIND, {"people": 0, "events": 0})
    return Served(every["people"], every["events"], {k: r["people"] for k, r in totals.items() if r["people"]})


def people_served_for(user: AnyUser, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Served:
    """In the user's scope; staff of the one root org (the city federation) see the whole city,
    which the tallies answer."""
    scope = scope_org_ids(user)
    profile = staff_profile(user)
    if profile is not None and _is_the_only_root(profile.org_id):
        scope = None
    return people_served(scope, date_from, date_to)


def _is_the_only_root(org_id: int) -> bool:
    roots = list(Org.objects.filter(parent__isnull=True).values_list("pk", flat=True)[:2])
    return roots == [org_id]


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


HANDOUT_PLACES_SHOWN = 3


def handout_positions(campaign: Campaign, street: Region, *, limit: int = HANDOUT_PLACES_SHOWN) -> list[ServicePosition]:
    """Where a member can pick a campaign up: the open service positions that hand it out — the
    positions it was allocated to, or those of the orgs it was allocated to (with their scope),
    else those in the organiser's scope — the member's own street first, then the district.
    Portal members give no location, so this goes by street, not by distance."""
    allocations = list(Allocation.objects.filter(campaign=campaign).values_list("org_id", "position_id"))
    if allocations:
        orgs = [org for org, _ in allocations if org is not None]
        positions = [pos for _, pos in allocations if pos is not None]
        where = Q(pk__in=positions) | Q(org__in=OrgReach.objects.filter(ancestor__in=orgs).values("descendant"))
    else:
        where = Q(org__in=OrgReach.objects.filter(ancestor=campaign.org_id).values("descendant"))
    nearness = Case(
        When(street=street, then=Value(0)),
        When(street__code__startswith=street.code[:6], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    qs = (
        ServicePosition.objects.select_related("street")
        .filter(where, status=PositionStatus.OPEN)
        .annotate(nearness=nearness)
        .order_by("nearness", "street__code", "name", "id")
    )
    return list(qs[:limit])


def slots_offered_to(membership: Membership) -> QuerySet[AppointmentSlot]:
    """Slots of the member's own union or an org above it, and campaign slots (whose audience
    the booking service checks). Full, past or cancelled ones included: booking says why not."""
    above = OrgReach.objects.filter(descendant=membership.org_id).values("ancestor")
    return AppointmentSlot.objects.select_related("org", "position", "campaign").filter(
        Q(org__in=above) | Q(campaign__isnull=False)
    )


def open_slots_for_member(membership: Membership, *, now: dt.datetime | None = None) -> list[AppointmentSlot]:
    """Slots the member may book now: not cancelled, not started, with a place left, offered by
    the member's own union or an org above it, or tied to a campaign whose audience they fit."""
    now = now or timezone.now()
    if membership.status != Membership.Status.ACTIVE:
        return []
    slots = (
        slots_offered_to(membership)
        .filter(cancelled=False, starts_at__gt=now, booked__lt=F("capacity"))
        .exclude(appointments__person_id=membership.person_id, appointments__status__in=Appointment.HOLDS_PLACE)
        .order_by("starts_at", "id")
    )
    member = Membership.objects.select_related("person__work_street").get(pk=membership.pk)
    return [s for s in slots if s.campaign is None or ineligibility(s.campaign, member, now=now) is None]


def appointments_of(membership: Membership) -> QuerySet[Appointment]:
    """The person's bookings, soonest first (cancelled ones included, so they see what happened)."""
    return (
        Appointment.objects.select_related("slot", "slot__position")
        .filter(person_id=membership.person_id)
        .order_by("-slot__starts_at", "-id")
    )


def appointment_of(membership: Membership, pk: int) -> Appointment | None:
    return appointments_of(membership).filter(pk=pk).first()


def open_plans_for_member(membership: Membership, *, today: dt.date | None = None) -> QuerySet[InsurancePlan]:
    """Insurance plans open for enrolment today, organised by the member's union or an org above it."""
    today = today or timezone.localdate()
    above = OrgReach.objects.filter(descendant=membership.org_id).values("ancestor")
    return InsurancePlan.objects.filter(
        status=PlanStatus.OPEN, enrol_from__lte=today, enrol_until__gte=today, org__in=above
    ).order_by("enrol_until", "id")


def enrolments_of(membership: Membership) -> QuerySet[Enrolment]:
    """The person's insurance enrolments with their incident reports, newest first."""
    return (
        Enrolment.objects.select_related("plan", "platform")
        .prefetch_related("incidents")
        .filter(person_id=membership.person_id)
        .order_by("-enrolled_at", "-id")
    )


def enrolment_of(membership: Membership, pk: int) -> Enrolment | None:
    return enrolments_of(membership).filter(pk=pk).first()


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
