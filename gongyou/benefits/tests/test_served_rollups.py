"""The city's people-served figure from 1 January is read from the daily tallies (ServedDay via
FirstService); it must always equal the distinct count over the events themselves — also when
events are recorded late (earlier than a person's first so far) and across years."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongyou.benefits.events import record_service_event
from gongyou.benefits.models import FirstService, ServedDay
from gongyou.benefits.queries import people_served
from gongyou.core.models import OrgReach

KINDS = ["handout", "checkin", "appointment", "insurance"]


def counted_over_events(world, first, last):
    """The general path: a scope holding every org of the city counts distinct persons over events."""
    return people_served(OrgReach.objects.filter(ancestor=world.city).values("descendant_id"), first, last)


def test_the_tallies_agree_with_the_events_in_any_order(world, make_member):
    people = [make_member(i).person for i in range(1, 5)]
    orgs = [world.street_fed, world.other_street_fed, world.station_union]
    rnd = random.Random(8)
    start = timezone.make_aware(dt.datetime(2024, 12, 20))
    for source in range(1, 121):
        # Random times over ~13 months, recorded in random order: many are "late".
        at = start + dt.timedelta(minutes=rnd.randrange(400 * 24 * 60))
        record_service_event(person=rnd.choice(people), kind=rnd.choice(KINDS), org=rnd.choice(orgs), at=at, source_id=source)
    days = [dt.date(2025, 1, 1), dt.date(2025, 1, 2), dt.date(2025, 3, 31), dt.date(2025, 7, 15), dt.date(2025, 12, 31)]
    for last in days:
        fast = people_served(None, dt.date(2025, 1, 1), last)
        assert fast == counted_over_events(world, dt.date(2025, 1, 1), last), last
    year = people_served(None, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert year.people_served == 4 and year.events > 90 and set(year.by_kind) == set(KINDS)
    # Not from 1 January (or across years): counted over the events, still right.
    for first, last in [(dt.date(2025, 2, 1), dt.date(2025, 5, 1)), (dt.date(2024, 1, 1), dt.date(2025, 6, 1))]:
        assert people_served(None, first, last) == counted_over_events(world, first, last)
    assert FirstService.objects.filter(kind="", year=2025).count() == 4


def test_a_late_event_moves_the_first_service_to_its_day(world, make_member):
    person = make_member(1).person
    march, january = (timezone.make_aware(dt.datetime(2025, m, 10, 9)) for m in (3, 1))
    record_service_event(person=person, kind="checkin", org=world.street_fed, at=march, source_id=1)
    assert people_served(None, dt.date(2025, 1, 1), dt.date(2025, 2, 1)).people_served == 0
    record_service_event(person=person, kind="handout", org=world.street_fed, at=january, source_id=2)
    feb = people_served(None, dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert (feb.people_served, feb.events, feb.by_kind) == (1, 1, {"handout": 1})
    tallies = {(t.day, t.kind): t.new_people for t in ServedDay.objects.all()}
    assert tallies[(dt.date(2025, 3, 10), "")] == 0 and tallies[(dt.date(2025, 1, 10), "")] == 1
    # Replaying an event (same source) changes nothing.
    record_service_event(person=person, kind="handout", org=world.street_fed, at=january, source_id=2)
    assert people_served(None, dt.date(2025, 1, 1), dt.date(2025, 12, 31)).events == 2


def test_the_city_figure_is_one_small_query(world, make_member):
    record_service_event(person=make_member(1).person, kind="handout", org=world.city, at=timezone.now(), source_id=1)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        served = people_served(None, today.replace(month=1, day=1), today)
    assert served.people_served == 1 and len(captured.captured_queries) == 1
    assert "benefits_servedday" in captured.captured_queries[0]["sql"]


def test_the_backfill_migration_builds_the_same_tallies(world, make_member):
    import importlib

    from django.apps import apps

    from gongyou.benefits.models import ServiceEvent

    backfill = importlib.import_module("gongyou.benefits.migrations.0003_backfill_served_rollups").backfill
    people = [make_member(i).person for i in range(1, 4)]
    rnd = random.Random(3)
    start = timezone.make_aware(dt.datetime(2025, 1, 1))
    for source in range(1, 41):  # written directly, as before the rollups existed
        ServiceEvent.objects.create(
            person=rnd.choice(people), kind=rnd.choice(KINDS), org=world.street_fed, source_id=source,
            at=start + dt.timedelta(hours=rnd.randrange(300 * 24)),
        )  # fmt: skip
    backfill(apps, None)
    for last in (dt.date(2025, 1, 31), dt.date(2025, 6, 30), dt.date(2025, 12, 31)):
        assert people_served(None, dt.date(2025, 1, 1), last) == counted_over_events(world, dt.date(2025, 1, 1), last)


def test_the_city_federations_staff_get_the_city_figure_from_the_tallies(world, make_member, personas):
    from gongyou.benefits.queries import people_served_for

    today = timezone.localdate()
    first = today.replace(month=1, day=1)
    record_service_event(person=make_member(1).person, kind="handout", org=world.other_street_fed, at=timezone.now(), source_id=1)
    record_service_event(person=make_member(2).person, kind="checkin", org=world.street_fed, at=timezone.now(), source_id=2)
    with CaptureQueriesContext(connection) as captured:
        city = people_served_for(personas["city"], first, today)
    assert city == counted_over_events(world, first, today) and city.people_served == 2
    assert any("benefits_servedday" in q["sql"] for q in captured.captured_queries)
    assert people_served_for(personas["street"], first, today).people_served == 1  # its own scope only
