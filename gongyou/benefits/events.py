"""Writing service events: called by each service inside its own transaction, so a service
and its event commit together (the people-served figure is right by construction)."""

from __future__ import annotations

import datetime as dt

from gongyou.benefits.models import ServiceEvent
from gongyou.core.models import Org
from gongyou.members.models import Person
from gongyou.positions.models import ServicePosition


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
    event, _created = ServiceEvent.objects.get_or_create(
        kind=kind,
        source_id=source_id,
        defaults={"person": person, "org": org, "position": position, "street_id": street, "at": at},
    )
    return event
