"""Blind spots and blanks (建会盲区和空白点, seed §三(一)): enterprises in the target industries
with no union, delivery stations with no union, and unions that have no members — each within
the staff user's territory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from gongyou.core.access import AnyUser, enterprise_territory, enterprises_in_scope, stations_in_scope
from gongyou.core.models import Enterprise, Org, Station
from gongyou.insight.models import EnterpriseSnapshot
from gongyou.members.models import Membership, RosterEntry

MAX_LIMIT = 1000


def _count(queryset: QuerySet[Any], key: str) -> Any:
    counted = queryset.values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def has_active_union(ref: str = "pk", kinds: tuple[str, ...] = Org.ENTERPRISE_KINDS) -> Exists:
    """The enterprise at `ref` has an active union of these kinds (by default an enterprise,
    HQ or agent union)."""
    return Exists(Org.objects.filter(enterprise=OuterRef(ref), status=Org.Status.ACTIVE, kind__in=kinds))


def all_unionless_enterprises() -> QuerySet[Enterprise]:
    """Registered, trading enterprises in a target industry with no active enterprise union,
    city-wide (the gap list and the `unionless_enterprises` indicator share this rule)."""
    return Enterprise.objects.filter(left_register=False).exclude(industry="").exclude(has_active_union())


def individual_members() -> QuerySet[Membership]:
    """The memberships the gap list counts for an enterprise: its workers who joined as
    individuals (an enterprise without a union has no other kind) and are still members or
    applicants (a transfer out is leaving)."""
    return Membership.objects.filter(
        mode=Membership.Mode.INDIVIDUAL,
        status__in=[s for s in Membership.OPEN_STATUSES if s != Membership.Status.TRANSFERRING],
    )


def counts_day() -> dt.date | None:
    """The day of the enterprise snapshot the gap list ranks by (None: counted live, before the
    first `rebuild_snapshots`)."""
    return EnterpriseSnapshot.objects.order_by().values_list("day", flat=True).first()


def unionless_enterprises(
    user: AnyUser, *, district: str = "", street: str = "", industry: str = ""
) -> QuerySet[Enterprise]:
    """Registered, active enterprises in a target industry with no active union, ranked: head
    enterprises first, then by active workers on partner rosters, then by open individual
    memberships of people working for them. Territory: a street federation its street, a
    district federation its district (street known or not), the city everything.

    Who is on the list is decided live (a union founded this minute takes the enterprise off);
    the two counts come from the last `rebuild_snapshots` when there is one (`counts_day()`, the
    page says so): counted live they are a scan of every roster row and membership of each
    unionless enterprise — seconds for a city whose head platform lists 200,000 workers."""
    qs = all_unionless_enterprises()
    territory = enterprise_territory(user)
    if territory is not None:
        qs = qs.filter(territory)
    if district:
        qs = qs.filter(district__code=district)
    if street:
        qs = qs.filter(street__code=street)
    if industry:
        qs = qs.filter(industry=industry)
    workers: Any
    members: Any
    if counts_day() is not None:
        snapshot = EnterpriseSnapshot.objects.filter(enterprise=OuterRef("pk"))
        workers = Coalesce(Subquery(snapshot.values("roster_workers")[:1]), Value(0))
        members = Coalesce(Subquery(snapshot.values("individual_members")[:1]), Value(0))
    else:
        workers = _count(RosterEntry.objects.filter(enterprise=OuterRef("pk"), active=True), "enterprise")
        members = _count(individual_members().filter(person__employer=OuterRef("pk")), "person__employer")
    return (
        qs.select_related("district", "street")
        .annotate(roster_workers=workers, individual_members=members)
        .order_by("-is_head", "-roster_workers", "-individual_members", "uscc")
    )


def unionless_stations(user: AnyUser) -> QuerySet[Station]:
    """Delivery stations in scope with no active station union or union group (SPEC §8: every
    station with a union)."""
    union = Org.objects.filter(station=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=Org.STATION_KINDS)
    return stations_in_scope(user).exclude(Exists(union)).order_by("street__code", "code")


def memberless_unions(user: AnyUser) -> QuerySet[Enterprise]:
    """Enterprises in scope whose active union has no active member: founded on paper only."""
    members = Membership.objects.filter(
        org__enterprise=OuterRef("pk"), org__status=Org.Status.ACTIVE, status=Membership.Status.ACTIVE
    )
    union_name = (
        Org.objects.filter(enterprise=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=Org.ENTERPRISE_KINDS)
        .order_by("id")
        .values("name")[:1]
    )
    return (
        enterprises_in_scope(user)
        .filter(has_active_union())
        .exclude(Exists(members))
        .annotate(union_name=Subquery(union_name))
        .order_by("-is_head", "name")
    )


def founding_federation(enterprise: Enterprise) -> Org | None:
    """Who is asked to found the enterprise's union: its street's federation, or its district's
    where the street is unknown (or has no federation yet)."""
    active = Org.objects.filter(status=Org.Status.ACTIVE).order_by("id")
    if enterprise.street_id is not None:
        found = active.filter(kind=Org.Kind.STREET_FEDERATION, region_id=enterprise.street_id).first()
        if found is not None:
            return found
    district_id = enterprise.district_id
    if district_id is None:
        return None
    return active.filter(kind=Org.Kind.DISTRICT_FEDERATION, region_id=district_id).first()


def clamp_limit(value: str | int | None, default: int = 100) -> int:
    """`limit` as the API honours it: 1…MAX_LIMIT, the default when absent or not a number."""
    try:
        limit = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        limit = default
    return max(1, min(limit, MAX_LIMIT))


def unionless_contract(
    user: AnyUser, *, district: str = "", industry: str = "", limit: str | int | None = None
) -> dict[str, Any]:
    """GET /api/v1/insight/unionless as the issue's contract: {"results": [{uscc, name, industry,
    district_code, street_code, is_head, roster_workers, individual_members}], "count": N}, in
    the ranking order; `count` is every match, `results` the first `limit` (≤ 1,000)."""
    qs = unionless_enterprises(user, district=district, industry=industry)
    rows = [
        {
            "uscc": e.uscc,
            "name": e.name,
            "industry": e.industry,
            "district_code": e.district.code if e.district else None,
            "street_code": e.street.code if e.street else None,
            "is_head": e.is_head,
            "roster_workers": e.roster_workers,  # type: ignore[attr-defined]
            "individual_members": e.individual_members,  # type: ignore[attr-defined]
        }
        for e in qs[: clamp_limit(limit)]
    ]
    return {"results": rows, "count": qs.count()}
