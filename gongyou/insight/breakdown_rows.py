"""What the nightly rebuild (insight.snapshots.rebuild) stores for the industry and enterprise
views (insight.breakdowns), so that those pages read a few thousand compact rows instead of
grouping a million memberships and roster rows per request.

- Per industry and street (IndustrySnapshot): members at the end of the built day (the level now
  less the membership changes since, from the indexed history, so the view's "snapshot + changes
  since" is exact), roster workers (distinct ID numbers per street, like the roster_workers
  indicator: a worker listed in two streets counts in each), enterprises on the register with and
  without a union — each in the street where the live view counts it, and ("", "") for rows
  with no place, which only the city counts (as the live view does).
- Per enterprise (EnterpriseSnapshot): the enterprise view's row (roster workers, members,
  union, stations, stations with a union), counted with one grouped query per figure.
Only the last build's rows are kept (replace_breakdowns)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Substr

from gongyou.core.models import Enterprise, Org, Station
from gongyou.insight.gaps import has_active_union, individual_members
from gongyou.insight.indicators import MEMBER_STATUSES, Key, key_of, moves
from gongyou.insight.models import EnterpriseSnapshot, IndustrySnapshot
from gongyou.members.models import Membership, MembershipEvent, RosterEntry

NOWHERE: Key = ("", "")
BATCH = 5000

IndustryKey = tuple[str, Key]  # (industry, (district, street))


def place(street: str | None, district: str | None = None) -> Key:
    return key_of(street, district) or NOWHERE


def _by_industry(qs: QuerySet[Any], industry: str, *paths: str, count: Count | None = None) -> Counter[IndustryKey]:
    out: Counter[IndustryKey] = Counter()
    rows = qs.order_by().values(industry, *paths).annotate(n=count or Count("pk")).values_list(industry, *paths, "n")
    for row in rows:
        out[(row[0] or "", place(*row[1:-1]))] += row[-1]
    return out


def member_changes(since: dt.datetime) -> Counter[IndustryKey]:
    """Net change of members (entering or leaving MEMBER_STATUSES) since `since`, per the member's
    industry and work street: an index range on the membership history."""
    entered, left = moves(MembershipEvent.objects.filter(at__gte=since), MEMBER_STATUSES)
    paths = ("membership__person__industry", "membership__person__work_street__code")
    out = _by_industry(entered, *paths)
    out.subtract(_by_industry(left, *paths))
    return out


def _roster_by_industry() -> Counter[IndustryKey]:
    """Distinct workers on active roster rows per industry and street. A worker listed in two
    streets counts in each street, but once in their district and once in the city, as the live
    count does; since an area's figure is the sum of its rows, the difference goes into rows that
    only the larger areas add up: the district's row without a street, and the row without a
    place, which only the city reads (insight.queries.Area.filter)."""
    active = RosterEntry.objects.filter(active=True)
    distinct = Count("id_hash", distinct=True)
    roster = _by_industry(active, "industry", "street__code", count=distinct)
    in_streets: Counter[tuple[str, str]] = Counter()
    for (industry, (district, _street)), n in roster.items():
        in_streets[(industry, district)] += n
    in_districts: Counter[str] = Counter()
    per_district = (
        active.order_by()
        .annotate(district=Substr("street__code", 1, 6))
        .values("industry", "district")
        .annotate(n=distinct)
        .values_list("industry", "district", "n")
    )
    for industry, district, n in per_district:
        industry = industry or ""
        in_districts[industry] += n
        if n != in_streets[(industry, district)]:
            roster[(industry, (district, ""))] += n - in_streets[(industry, district)]
    for industry, n in active.order_by().values("industry").annotate(n=distinct).values_list("industry", "n"):
        industry = industry or ""
        if n != in_districts[industry]:
            roster[(industry, NOWHERE)] += n - in_districts[industry]
    return roster


def industry_rows(day: dt.date, until: dt.datetime) -> list[IndustrySnapshot]:
    """The industry view per industry and street, members at `until` (the end of `day`)."""
    members = _by_industry(
        Membership.objects.filter(status__in=MEMBER_STATUSES), "person__industry", "person__work_street__code"
    )
    members.subtract(member_changes(until))
    roster = _roster_by_industry()
    enterprises = Enterprise.objects.filter(left_register=False)
    registered = _by_industry(enterprises, "industry", "street__code", "district__code")
    with_union = _by_industry(enterprises.filter(has_active_union()), "industry", "street__code", "district__code")
    rows = []
    for industry, (district, street) in sorted(set(members) | set(roster) | set(registered)):
        key = (industry, (district, street))
        figures = (members[key], roster[key], registered[key], with_union[key])
        if any(figures):
            rows.append(
                IndustrySnapshot(
                    day=day,
                    industry=industry,
                    district_code=district,
                    street_code=street,
                    members=figures[0],
                    roster_workers=figures[1],
                    enterprises=figures[2],
                    enterprises_with_union=figures[3],
                )
            )
    return rows


def _per(qs: QuerySet[Any], path: str) -> dict[int, int]:
    return dict(qs.order_by().values(path).annotate(n=Count("pk")).values_list(path, "n"))


def enterprise_rows(day: dt.date) -> list[EnterpriseSnapshot]:
    """The enterprise view's rows: enterprises on the register that are head enterprises or have
    a roster, stations or employed members (insight.breakdowns.live_by_enterprise)."""
    roster = _per(RosterEntry.objects.filter(active=True), "enterprise")
    members = _per(
        Membership.objects.filter(status__in=MEMBER_STATUSES, person__employer__isnull=False), "person__employer"
    )
    individual = _per(individual_members().filter(person__employer__isnull=False), "person__employer")
    stations = _per(Station.objects.exclude(enterprise=None), "enterprise")
    union_station = Org.objects.filter(station=OuterRef("pk"), status=Org.Status.ACTIVE, kind__in=Org.STATION_KINDS)
    with_union = _per(Station.objects.exclude(enterprise=None).filter(Exists(union_station)), "enterprise")
    unions = set(
        Org.objects.filter(status=Org.Status.ACTIVE, kind__in=Org.ENTERPRISE_KINDS, enterprise__isnull=False)
        .values_list("enterprise", flat=True)
        .distinct()
    )
    rows = []
    listed = Enterprise.objects.filter(left_register=False).order_by("pk")
    fields = ("pk", "uscc", "is_head", "street__code", "district__code")
    for pk, uscc, is_head, street, district in listed.values_list(*fields).iterator(chunk_size=BATCH):
        if not (is_head or pk in roster or pk in stations or pk in members):
            continue
        district_code, street_code = place(street, district)
        rows.append(
            EnterpriseSnapshot(
                day=day,
                enterprise_id=pk,
                uscc=uscc,
                district_code=district_code,
                street_code=street_code,
                is_head=is_head,
                roster_workers=roster.get(pk, 0),
                members=members.get(pk, 0),
                individual_members=individual.get(pk, 0),
                has_union=pk in unions,
                station_count=stations.get(pk, 0),
                stations_with_union=with_union.get(pk, 0),
            )
        )
    return rows


def replace_breakdowns(industries: list[IndustrySnapshot], enterprises: list[EnterpriseSnapshot]) -> None:
    """Keep only these rows (call inside the rebuild's transaction)."""
    IndustrySnapshot.objects.all().delete()
    EnterpriseSnapshot.objects.all().delete()
    IndustrySnapshot.objects.bulk_create(industries, batch_size=BATCH)
    EnterpriseSnapshot.objects.bulk_create(enterprises, batch_size=BATCH)


def industry_totals(rows: QuerySet[IndustrySnapshot]) -> dict[str, dict[str, int]]:
    """Sums per industry of some snapshot rows (an area's)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names = ("members", "roster_workers", "enterprises", "enterprises_with_union")
    summed = rows.order_by().values("industry").annotate(**{f"sum_{n}": Sum(n) for n in names})
    for industry, *figures in summed.values_list("industry", *[f"sum_{n}" for n in names]):
        for name, n in zip(names, figures, strict=True):
            out[industry][name] += n or 0
    return out
