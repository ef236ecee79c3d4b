"""Each indicator against a hand-counted fixture (the shared `world` in 徐汇区 plus a few members,
roster rows, service events and founding tasks), read live and from snapshots alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.events import record_service_event
from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.insight.indicators import INDICATORS
from gongyou.insight.models import Snapshot, SnapshotRun
from gongyou.insight.queries import Area, Reader, kpis
from gongyou.insight.served import month_start, next_month
from gongyou.insight.snapshots import rebuild
from gongyou.insight.tests.conftest import registered, roster
from gongyou.members.models import FoundingTask, Membership, MembershipEvent, RosterEntry
from gongyou.members.services import withdraw_membership

STREET, OTHER, DISTRICT = "310104014", "310104004", "310104"


def months_ago(n: int) -> dt.date:
    month = month_start(timezone.localdate())
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def at(month: dt.date, day: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=day), dt.time(12)))


def backdate(membership: Membership, when: dt.datetime) -> None:
    Membership.objects.filter(pk=membership.pk).update(joined_at=when, applied_at=when)
    MembershipEvent.objects.filter(membership=membership).update(at=when)


@pytest.fixture
def counted(world):
    """Hand count (this month M, two months ago M-2):
    members: a, b in 徐家汇 (a joined in M-2), c in the other street, d in 徐家汇 withdrawn →
    active 徐家汇 2, other street 1; new in M-2: 1 (a), new this month: 3 (b, c, d).
    served: a in M-2 and this month, b this month → M-2: 1, M: 2, over [M-2, M]: 2 people.
    roster: 3 active rows for the platform in 徐家汇, one of them a's ID → 3 workers, 1 member.
    world: 1 head enterprise with a union, 2 stations (1 with a union), 1 unionless (+1 registry).
    founding tasks: 1 opened this month, 1 opened and closed this month."""
    a = join_worker(1)
    backdate(a, at(months_ago(2)))
    b = join_worker(2)
    c = join_worker(3, street_code=OTHER, industry="express")
    d = join_worker(4)
    withdraw_membership(d, reason="离职", actor=COMMAND)
    for seq, (m, when) in enumerate([(a, at(months_ago(2))), (a, timezone.now()), (b, timezone.now())], start=1):
        record_service_event(person=m.person, kind="checkin", org=world.street_fed, at=when, source_id=seq)
    roster(world.platform, 3)
    first = RosterEntry.objects.filter(enterprise=world.platform).order_by("id").first()
    RosterEntry.objects.filter(pk=first.pk).update(id_hash=a.person.id_hash)
    registered(1, street=None)  # unionless, district only
    FoundingTask.objects.create(federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25)
    FoundingTask.objects.create(
        federation=world.other_street_fed,
        enterprise=world.platform,
        member_count=25,
        status=FoundingTask.Status.CLOSED,
        closed_at=timezone.now(),
    )
    return {"a": a, "b": b, "c": c, "d": d}


def _now(area: Area) -> dict:
    reader = Reader(area)
    return reader.period(reader.today, reader.today)[""]


def _check_counts(world):
    street = _now(Area(district=DISTRICT, street=STREET))
    assert street["members_active"] == 2
    assert _now(Area(district=DISTRICT, street=OTHER))["members_active"] == 1
    city = _now(Area())
    assert city["members_active"] == 3
    assert city["roster_workers"] == 3 and city["roster_members"] == 1 and city["member_share"] == pytest.approx(33.3)
    assert (city["head_enterprises"], city["head_enterprises_with_union"], city["head_union_share"]) == (1, 1, 100.0)
    assert (city["stations"], city["stations_with_union"], city["station_union_share"]) == (2, 1, 50.0)
    assert city["unionless_enterprises"] == 2
    assert _now(Area(district=DISTRICT, street=STREET))["unionless_enterprises"] == 1  # the other: street unknown
    assert city["relay_stations"] == 0
    assert city["founding_tasks_opened"] == 2 and city["founding_tasks_closed"] == 1
    month = month_start(timezone.localdate())
    body = kpis(Area(), months_ago(2), month)
    assert body["people_served"] == 2
    assert [(m["new_members"], m["people_served"]) for m in body["months"]] == [(1, 1), (0, 0), (3, 2)]
    assert [m["members_active"] for m in body["months"]] == [1, 1, 3]
    assert kpis(Area(), months_ago(2), months_ago(2))["people_served"] == 1
    assert kpis(Area(), month, month)["people_served"] == 2
    assert kpis(Area(district="310101"), months_ago(2), month)["members_active"] == 0


@pytest.mark.django_db
def test_every_indicator_counts_the_fixture_live(world, counted):
    assert not SnapshotRun.objects.exists()
    _check_counts(world)


@pytest.mark.django_db
def test_snapshots_plus_todays_delta_count_the_same(world, counted):
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    assert Snapshot.objects.filter(indicator="members_active").exists()
    _check_counts(world)


@pytest.mark.django_db
def test_a_rebuild_through_today_counts_the_same_and_is_idempotent(world, counted):
    today = timezone.localdate()
    rebuild(since=months_ago(3), through=today)
    rows = sorted(Snapshot.objects.values_list("indicator", "day", "district_code", "street_code", "value"))
    rebuild(since=months_ago(3), through=today)
    assert sorted(Snapshot.objects.values_list("indicator", "day", "district_code", "street_code", "value")) == rows
    _check_counts(world)


@pytest.mark.django_db
def test_streets_add_up_to_the_district_and_districts_to_the_city(world, counted):
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    reader = Reader(Area(district=DISTRICT))
    by_street = reader.period(months_ago(2), timezone.localdate(), by_child=True)
    whole = Reader(Area(district=DISTRICT)).period(months_ago(2), timezone.localdate())[""]
    for code in ("members_active", "new_members", "people_served", "stations", "unionless_enterprises"):
        assert sum(row.get(code) or 0 for row in by_street.values()) == whole[code], code
    city = Reader(Area()).period(months_ago(2), timezone.localdate(), by_child=True)
    assert set(city) == {DISTRICT}


@pytest.mark.django_db
def test_every_indicator_has_a_label_and_a_formula():
    for indicator in INDICATORS.values():
        assert str(indicator.label) and str(indicator.formula) and indicator.__doc__
        assert indicator.kind in {"stock", "flow", "served"}


def test_next_month_wraps_the_year():
    assert next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)


def test_cached_snapshot_reads_follow_each_rebuild_and_never_hide_todays_changes(world, counted):
    """The snapshot part of a read is cached per rebuild run (insight.queries.Reader._cached):
    a change of the past shows once a rebuild covers it, a change of today at once."""
    rebuild()
    area = Area(district=DISTRICT, street=STREET)
    assert _now(area)["members_active"] == 2
    join_worker(5)  # today: the live delta, never cached
    assert _now(area)["members_active"] == 3
    # The same read again is served from the cache (no snapshot query)…
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _now(area)
    assert not any(t in q["sql"] for q in queries.captured_queries for t in ('"insight_snapshot"', "servedmonth"))
    # …until a rebuild rewrites the past: a member backdated into last week counts from then on.
    late = join_worker(6)
    week_ago = timezone.now() - dt.timedelta(days=7)
    backdate(late, week_ago)
    rebuild(since=timezone.localdate() - dt.timedelta(days=8))
    assert _now(area)["members_active"] == 4


def test_todays_changes_are_counted_once_a_minute_for_every_reader(world, counted, settings):
    """GONGYOU_INSIGHT_LIVE_SECONDS: today's city-wide counts are shared by all readers (each
    applies its own area) until they expire, then counted again."""
    settings.GONGYOU = {**settings.GONGYOU, "INSIGHT_LIVE_SECONDS": 60}
    rebuild()
    street, district = Area(district=DISTRICT, street=STREET), Area(district=DISTRICT)
    assert _now(street)["members_active"] == 2
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert _now(district)["members_active"] == 3  # another scope, the same shared count
    assert not any("members_membershipevent" in q["sql"] for q in queries.captured_queries)
    join_worker(5)
    assert _now(street)["members_active"] == 2  # within the minute: not yet
    cache.clear()  # the minute is over
    assert _now(street)["members_active"] == 3
    assert _now(Area(district="310101"))["members_active"] == 0  # scope still applied
