"""Writing service events: called by each service inside its own transaction, so a service
and its event commit together (the people-served figure is right by construction). Each new
event also keeps the rollups the city-wide figure is read from (FirstService, ServedDay)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongyou.benefits.models import FirstService, ServedDay, ServiceEvent
from gongyou.core.models import Org
from gongyou.members.models import Person
from gongyou.positions.models import ServicePosition

ANY_KIND = ""


@transaction.atomic  # the event and its roll-ups together, also when called outside a service
def record_service_event(
    *,
    person: Person,
    kind: str,
    org: Org,
    at: dt.datetime,
    source_id: int,
    position: ServicePosition | None = None,
) -> ServiceEvent:
    """The street is where the service was given (the position's), else where the person works."""
    street: int | None = position.street_id if position is not None else person.work_street_id
    event, created = ServiceEvent.objects.get_or_create(
        kind=kind,
        source_id=source_id,
        defaults={"person": person, "org": org, "position": position, "street_id": street, "at": at},
    )
    if created:
        _keep_rollups(person.pk, kind, at)
    return event


def _keep_rollups(person_id: int, kind: str, at: dt.datetime) -> None:
    """Count the event on its day, and the person on the day of their first service of the
    year (overall and of this kind). A handful of queries: one tally update, one locked read."""
    day = timezone.localdate(at)
    kinds = [ANY_KIND, kind]
    _tally(day, kinds, events=1)
    moved: dict[dt.date, list[str]] = {}
    new_today = []
    for k, before in _first_services(person_id, day.year, kinds, at).items():
        if before is False:
            continue
        new_today.append(k)
        if isinstance(before, dt.date):
            moved.setdefault(before, []).append(k)
    if new_today:
        _tally(day, new_today, people=1)
    for before, ks in moved.items():
        _tally(before, ks, people=-1)


def _first_services(person_id: int, year: int, kinds: list[str], at: dt.datetime) -> dict[str, dt.date | None | Literal[False]]:
    """Note `at` as the person's first service of the year (overall and of the kind) where it
    is. Per kind — False: it is not; None: it is their first; a day: it is earlier than the
    first so far (an event recorded late), which was on that day. The rows are locked, and a
    concurrent first insert waits on the unique index and then finds the other's row, so two
    first services of one person can never both count."""
    lookup = {"person_id": person_id, "year": year}
    # Each failed insert means another transaction has committed one of the missing rows, so
    # this ends after at most len(kinds) + 1 rounds.
    while True:
        rows = {r.kind: r for r in FirstService.objects.select_for_update().filter(kind__in=kinds, **lookup)}
        missing = [k for k in kinds if k not in rows]
        if not missing:
            break
        try:
            with transaction.atomic():
                FirstService.objects.bulk_create([FirstService(kind=k, first_at=at, **lookup) for k in missing])
        except IntegrityError:
            continue
        break
    out: dict[str, dt.date | None | Literal[False]] = dict.fromkeys(missing)
    earlier = [k for k, row in rows.items() if at < row.first_at]
    for k, row in rows.items():
        out[k] = timezone.localdate(row.first_at) if k in earlier else False
    if earlier:
        FirstService.objects.filter(kind__in=earlier, **lookup).update(first_at=at)
    return out


def _tally(day: dt.date, kinds: list[str], *, events: int = 0, people: int = 0) -> None:
    change = {"events": F("events") + events, "new_people": F("new_people") + people}
    if ServedDay.objects.filter(day=day, kind__in=kinds).update(**change) == len(kinds):
        return
    # The day's first event of a kind: create the missing rows (after the update above, which
    # changed the rows that exist).
    have = set(ServedDay.objects.filter(day=day, kind__in=kinds).values_list("kind", flat=True))
    for k in kinds:
        if k in have:
            continue
        try:
            with transaction.atomic():
                ServedDay.objects.create(day=day, kind=k, events=events, new_people=people)
        except IntegrityError:  # created meanwhile by another transaction, now committed
            ServedDay.objects.filter(day=day, kind=k).update(**change)
