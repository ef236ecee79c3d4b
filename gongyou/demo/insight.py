"""Demo history for the coverage dashboards (issue 12): 13 months of joins, relay-station
check-ins, station unions founded and founding tasks, the city's targets for each district (and
徐汇区's for its streets), then the daily snapshots.

The history is written once, on the first run (no snapshot yet): memberships' joining dates and
their history are moved back, spread over the 13 months with a growing pace; later runs only
bring the snapshots up to date, so a second seed changes nothing that is already there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gongyou.benefits.models import ServiceEvent
from gongyou.benefits.vocab import ServiceKind
from gongyou.core.actors import Actor
from gongyou.core.models import Org, Region
from gongyou.insight.models import SnapshotRun, Target
from gongyou.insight.queries import Area, Reader
from gongyou.insight.served import local_midnight
from gongyou.insight.services import set_target
from gongyou.insight.snapshots import default_start, rebuild
from gongyou.members.models import FoundingTask, Membership, MembershipEvent

# Check-in events of the demo carry source ids from here up (ServiceEvent is unique per kind and
# source): one per person and month, so re-running writes nothing twice.
SOURCE_BASE = 900_000_000
TARGET_DISTRICT = "310104"  # 徐汇区 sets targets for its streets in the demo


@dataclass
class InsightReport:
    backdated: int = 0
    checkins: int = 0
    targets: int = 0
    snapshot_rows: int = 0


def _spread(n: int, i: int, days: int) -> int:
    """Day offset of the i-th of n items over `days`, faster towards the end (a growing pace)."""
    return int(days * ((i + 1) / (n + 1)) ** 0.7)


def _mix(pk: int, salt: int) -> int:
    return (pk * 2654435761 + salt * 40503) % 1000


def _backdate_members(start: dt.date, today: dt.date) -> int:
    """Move each joined membership's dates (and its history) back into the 13 months."""
    days = (today - start).days
    members = list(Membership.objects.filter(joined_at__isnull=False).order_by("id"))
    shifts: dict[int, dt.timedelta] = {}
    for i, m in enumerate(members):
        new_day = start + dt.timedelta(days=_spread(len(members), i, days))
        joined = timezone.make_aware(dt.datetime.combine(new_day, dt.time(9 + _mix(m.pk, 1) % 9)))
        assert m.joined_at is not None
        shifts[m.pk] = joined - m.joined_at
        m.joined_at = joined
        m.applied_at = m.applied_at + shifts[m.pk]
        if m.ended_at is not None:
            m.ended_at = m.ended_at + shifts[m.pk]
    Membership.objects.bulk_update(members, ["joined_at", "applied_at", "ended_at"], batch_size=500)
    events = list(MembershipEvent.objects.filter(membership_id__in=shifts))
    for e in events:
        e.at = e.at + shifts[e.membership_id]
    MembershipEvent.objects.bulk_update(events, ["at"], batch_size=500)
    return len(members)


def _checkins(start: dt.date, today: dt.date) -> int:
    """Relay-station check-ins: each member, in about half the months since joining, once."""
    feds = {
        o.region_id: o.pk
        for o in Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, status=Org.Status.ACTIVE).order_by("-id")
    }
    rows = []
    members = Membership.objects.filter(joined_at__isnull=False).values_list(
        "person_id", "person__work_street_id", "joined_at", "ended_at"
    )
    for person_id, street_id, joined, ended in members:
        month, index = start, 0
        while month <= today:
            day = month + dt.timedelta(days=_mix(person_id, index) % 27)
            at = local_midnight(day) + dt.timedelta(hours=8 + _mix(person_id, index + 50) % 12)
            alive = joined is not None and joined <= at and (ended is None or at < ended) and at < timezone.now()
            if alive and _mix(person_id, index + 100) < 520 and street_id in feds:
                rows.append(
                    ServiceEvent(person_id=person_id, kind=ServiceKind.CHECKIN, org_id=feds[street_id],
                                 street_id=street_id, at=at, source_id=SOURCE_BASE + person_id * 100 + index)
                )  # fmt: skip
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            index += 1
    ServiceEvent.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _found_station_unions(start: dt.date, today: dt.date) -> None:
    """Two in five station unions were founded during the 13 months (the rest before)."""
    unions = list(Org.objects.filter(kind__in=Org.STATION_KINDS).order_by("id"))
    recent = [u for u in unions if _mix(u.pk, 7) < 400]
    for i, union in enumerate(recent):
        union.founded_on = start + dt.timedelta(days=_spread(len(recent), i, (today - start).days))
    Org.objects.bulk_update(recent, ["founded_on"])


def _founding_tasks(start: dt.date, today: dt.date) -> None:
    tasks = list(FoundingTask.objects.order_by("id"))
    for i, task in enumerate(tasks):
        task.opened_at = local_midnight(start + dt.timedelta(days=_spread(len(tasks), i, (today - start).days)))
        if task.closed_at is not None:
            task.closed_at = task.opened_at + dt.timedelta(days=20 + _mix(task.pk, 3) % 60)
    FoundingTask.objects.bulk_update(tasks, ["opened_at", "closed_at"])


def _targets(year: int, actor: Actor) -> int:
    """The city's targets for each district and 徐汇区's for its streets: a quarter more members
    and people served than today, every head enterprise and every station with a union."""
    if Target.objects.filter(period=year).exists():
        return 0
    city = Org.objects.filter(kind=Org.Kind.CITY_FEDERATION).order_by("id").first()
    district_fed = Org.objects.filter(kind=Org.Kind.DISTRICT_FEDERATION, region__code=TARGET_DISTRICT).first()
    if city is None:
        return 0
    first, today = dt.date(year, 1, 1), timezone.localdate()
    made = 0
    plans = [(Area(), city, Region.Level.DISTRICT)]
    if district_fed is not None:
        plans.append((Area(district=TARGET_DISTRICT), district_fed, Region.Level.STREET))
    for area, org, level in plans:
        values = Reader(area).period(first, today, by_child=True)
        for region in Region.objects.filter(level=level, code__in=list(values)).order_by("code"):
            row = values[region.code]
            goals = {
                "members_active": int(row["members_active"] * 1.25) + 5,
                "people_served": int(row["people_served"] * 1.3) + 5,
                "head_enterprises_with_union": row["head_enterprises"],
                "stations_with_union": row["stations"],
            }
            for indicator, value in goals.items():
                if value > 0:
                    set_target(region, indicator, year, value, set_by=org, actor=actor)
                    made += 1
    return made


def seed_insight(*, actor: Actor) -> InsightReport:
    report = InsightReport()
    today = timezone.localdate()
    start = default_start(today)
    if not SnapshotRun.objects.exists():
        with transaction.atomic():
            report.backdated = _backdate_members(start, today)
            _found_station_unions(start, today)
            _founding_tasks(start, today)
        report.checkins = _checkins(start, today)
    report.targets = _targets(today.year, actor)
    run = rebuild(through=today - dt.timedelta(days=1))
    report.snapshot_rows = run.rows if run else 0
    return report
