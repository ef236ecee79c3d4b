"""The industry and enterprise views of the dashboards.

They read the compact rows the nightly rebuild stores (insight.breakdown_rows: per industry and
street, per enterprise), summed over the area: members by industry are that snapshot plus the
membership changes since (the indexed history, cheap), everything else is as of the snapshot day,
which the pages show. Before the first rebuild that stores them (small installations, tests) they
are counted live over the area's rows (live_by_industry, live_by_enterprise) — far too slow at a
million members, which is why the snapshots exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from gongyou.core.choices import Industry
from gongyou.core.models import Enterprise, Org, Station
from gongyou.insight.breakdown_rows import industry_totals, member_changes
from gongyou.insight.gaps import has_active_union
from gongyou.insight.indicators import MEMBER_STATUSES
from gongyou.insight.models import EnterpriseSnapshot, IndustrySnapshot
from gongyou.insight.queries import Area
from gongyou.insight.served import local_midnight
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


@dataclass
class IndustryView:
    rows: list[dict[str, Any]]
    as_of: dt.date | None  # the snapshot day; None: counted live


def by_industry(area: Area) -> IndustryView:
    """Per industry: members (now), roster workers, enterprises on the register, with a union,
    without (as of the snapshot day) — from the snapshot when there is one."""
    day = IndustrySnapshot.objects.order_by().values_list("day", flat=True).first()
    if day is None:
        return IndustryView(live_by_industry(area), None)
    totals = industry_totals(area.filter(IndustrySnapshot.objects.all()))
    members = {code: figures["members"] for code, figures in totals.items()}
    for (industry, key), n in member_changes(local_midnight(day + dt.timedelta(days=1))).items():
        if area.contains(key):  # ("", ""), no place, is in the city only
            members[industry] = members.get(industry, 0) + n
    roster = {code: figures["roster_workers"] for code, figures in totals.items()}
    registered = {code: figures["enterprises"] for code, figures in totals.items()}
    with_union = {code: figures["enterprises_with_union"] for code, figures in totals.items()}
    return IndustryView(_industry_rows(members, roster, registered, with_union), day)


def live_by_industry(area: Area) -> list[dict[str, Any]]:
    """by_industry counted over the area's rows."""
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
    registered: dict[str, int] = dict(
        enterprises.order_by().values("industry").annotate(n=Count("pk")).values_list("industry", "n")
    )
    with_union: dict[str, int] = dict(
        enterprises.filter(has_active_union())
        .order_by()
        .values("industry")
        .annotate(n=Count("pk"))
        .values_list("industry", "n")
    )
    return _industry_rows(members, roster, registered, with_union)


def _industry_rows(
    members: dict[str, int], roster: dict[str, int], registered: dict[str, int], with_union: dict[str, int]
) -> list[dict[str, Any]]:
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


def by_enterprise(area: Area) -> tuple[QuerySet[Any], dt.date | None]:
    """The enterprise view's rows in the area, and the snapshot day they were counted on (None:
    counted live, before the first rebuild): from EnterpriseSnapshot when there is one."""
    day = EnterpriseSnapshot.objects.order_by().values_list("day", flat=True).first()
    if day is None:
        return live_by_enterprise(area), None
    rows = (
        area.filter(EnterpriseSnapshot.objects.all())
        .select_related("enterprise__district", "enterprise__street")
        .order_by("-is_head", "-roster_workers", "-members", "uscc")
    )
    return rows, day


def live_by_enterprise(area: Area) -> QuerySet[Enterprise]:
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
            has_union=has_active_union(),
            station_count=_count(stations, "enterprise"),
            stations_with_union=_count(stations_with_union, "enterprise"),
        )
        .order_by("-is_head", "-roster_workers", "-members", "uscc")
    )
