"""The industry and enterprise views of the dashboards: counted live (grouped queries over the
area's rows), since the snapshots are kept per street, not per industry or enterprise."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Station
from gongyou.insight.indicators import MEMBER_STATUSES
from gongyou.insight.queries import Area
from gongyou.members.models import Membership, RosterEntry


def street_q(area: Area, street: str, district: str | None = None) -> Q:
    """The rows of the area through a street path (and a district path for rows whose street is
    unknown, e.g. registry enterprises)."""
    if area.nothing:
        return Q(pk__in=[])
    if area.street:
        return Q(**{f"{street}__code": area.street})
    if area.district:
        within = Q(**{f"{street}__code__startswith": area.district})
        if district:
            within |= Q(**{f"{street}__isnull": True, f"{district}__code": area.district})
        return within
    return Q()


def _active_union(kinds: tuple[str, ...] = Org.ENTERPRISE_KINDS) -> Exists:
    return Exists(Org.objects.filter(enterprise=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=kinds))


def by_industry(area: Area) -> list[dict[str, Any]]:
    """Per industry: members, roster workers, enterprises on the register, with a union, without."""
    members: dict[str, int] = dict(
        Membership.objects.filter(status__in=MEMBER_STATUSES)
        .filter(street_q(area, "person__work_street"))
        .order_by()
        .values("person__industry")
        .annotate(n=Count("pk"))
        .values_list("person__industry", "n")
    )
    roster: dict[str, int] = dict(
        RosterEntry.objects.filter(active=True)
        .filter(street_q(area, "street"))
        .order_by()
        .values("industry")
        .annotate(n=Count("id_hash", distinct=True))
        .values_list("industry", "n")
    )
    enterprises = Enterprise.objects.filter(left_register=False).filter(street_q(area, "street", "district"))
    registered: dict[str, int] = dict(enterprises.order_by().values("industry").annotate(n=Count("pk")).values_list("industry", "n"))
    with_union: dict[str, int] = dict(
        enterprises.filter(_active_union())
        .order_by()
        .values("industry")
        .annotate(n=Count("pk"))
        .values_list("industry", "n")
    )
    rows: list[dict[str, Any]] = []
    for code, name in Industry.choices:
        member_count, roster_count = members.get(code, 0), roster.get(code, 0)
        rows.append(
            {
                "code": code,
                "name": str(name),
                "members_active": member_count,
                "roster_workers": roster_count,
                "member_share": round(100 * member_count / roster_count, 1) if roster_count else None,
                "enterprises": registered.get(code, 0),
                "enterprises_with_union": with_union.get(code, 0),
                "enterprises_without_union": registered.get(code, 0) - with_union.get(code, 0),
            }
        )
    return rows


def _count(qs: QuerySet[Any], key: str) -> Any:
    counted = qs.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def by_enterprise(area: Area) -> QuerySet[Enterprise]:
    """Enterprises registered in the area that employ or list gig workers (head enterprises, or
    with a roster, stations or employed members): their roster workers, members, union and
    stations with and without a union. Head enterprises first, then by roster size."""
    roster = RosterEntry.objects.filter(enterprise=OuterRef("pk"), active=True)
    members = Membership.objects.filter(person__employer=OuterRef("pk"), status__in=MEMBER_STATUSES)
    stations = Station.objects.filter(enterprise=OuterRef("pk"))
    union_station = Org.objects.filter(station=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=Org.STATION_KINDS)
    stations_with_union = Station.objects.filter(enterprise=OuterRef("pk")).filter(Exists(union_station))
    return (
        Enterprise.objects.filter(left_register=False)
        .filter(street_q(area, "street", "district"))
        .filter(Q(is_head=True) | Exists(roster) | Exists(stations) | Exists(members))
        .select_related("district", "street")
        .annotate(
            roster_workers=_count(roster, "enterprise"),
            members=_count(members, "person__employer"),
            has_union=_active_union(),
            station_count=_count(stations, "enterprise"),
            stations_with_union=_count(stations_with_union, "enterprise"),
        )
        .order_by("-is_head", "-roster_workers", "-members", "uscc")
    )
