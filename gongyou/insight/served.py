"""People served over any run of months, exactly and additively (insight.models.ServedMonth).

For each month m and each person served in m we record the last month before m they had been
served (None: never). A person served somewhere in months [a, b] is then counted exactly once:
in the first month of [a, b] they were served, the only one whose previous month is before a.
Streets add up to districts and districts to the city, because each person is counted in the
one street where they work."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, DateTimeField, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from gongyou.benefits.models import ServiceEvent
from gongyou.insight.indicators import Key, key_of
from gongyou.members.models import Person

ServedKey = tuple[str, str, dt.date | None]  # district, street, previous month


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _prev_months(persons: QuerySet[Person], before: dt.datetime) -> Counter[ServedKey]:
    """Persons counted per (district, street, last month served before `before`)."""
    prev = ServiceEvent.objects.filter(person=OuterRef("pk"), at__lt=before).order_by("-at").values("at")[:1]
    rows = (
        persons.annotate(prev=Subquery(prev, output_field=DateTimeField()))
        .order_by()
        .values("work_street__code", "prev")
        .annotate(n=Count("pk"))
        .values_list("work_street__code", "prev", "n")
    )
    out: Counter[ServedKey] = Counter()
    for street, prev_at, n in rows:
        key = key_of(street)
        if key is None:
            continue
        prev_month = month_start(timezone.localtime(prev_at).date()) if prev_at is not None else None
        out[(*key, prev_month)] += n
    return out


def served_in_month(month: dt.date, until: dt.datetime) -> Counter[ServedKey]:
    """The histogram of month `month` from its first day up to `until` (exclusive)."""
    start = local_midnight(month)
    end = min(local_midnight(next_month(month)), until)
    served = ServiceEvent.objects.filter(person=OuterRef("pk"), at__gte=start, at__lt=end)
    return _prev_months(Person.objects.filter(Exists(served)), start)


def served_since(start: dt.datetime, now: dt.datetime | None = None) -> tuple[dt.date, Counter[ServedKey]]:
    """Today's delta: persons first served this month at or after `start` (the end of the last
    snapshot), with their previous month — the rows to add to this month's histogram."""
    now = now or timezone.now()
    month = month_start(timezone.localtime(now).date())
    begin = max(start, local_midnight(month))
    recent = ServiceEvent.objects.filter(person=OuterRef("pk"), at__gte=begin)
    earlier = ServiceEvent.objects.filter(person=OuterRef("pk"), at__gte=local_midnight(month), at__lt=begin)
    persons = Person.objects.filter(Exists(recent)).exclude(Exists(earlier))
    return month, _prev_months(persons, local_midnight(month))


def distinct_over(rows: Any, first: dt.date) -> int:
    """Sum of (month, prev_month, people) rows counting each person once over months ≥ `first`."""
    return sum(n for _month, prev, n in rows if prev is None or prev < first)


def by_key(counter: Counter[ServedKey], first: dt.date) -> Counter[Key]:
    """Distinct persons per street from one month's histogram, over a run starting at `first`."""
    out: Counter[Key] = Counter()
    for (district, street, prev), n in counter.items():
        if prev is None or prev < first:
            out[(district, street)] += n
    return out
