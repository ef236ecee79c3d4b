"""Writing audit rows. Every service that changes state or reveals personal data calls
`record` inside its own transaction, so the row exists exactly when the change does."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import models

from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog, Org, Region
from gongyou.core.prepared import PreparedQuery, insert

_batch = threading.local()


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Rows recorded inside the block are written in one INSERT when the outermost block ends —
    still inside the caller's transaction, so they exist exactly when the changes do. A block that
    raises drops the rows it queued (its transaction or savepoint rolls back their changes too),
    so a service that retries an attempt wraps each attempt in its own block."""
    rows: list[AuditLog] | None = getattr(_batch, "rows", None)
    outer = rows is None
    if rows is None:
        rows = _batch.rows = []
    start = len(rows)
    try:
        yield
    except BaseException:
        del rows[start:]
        if outer:
            _batch.rows = None
        raise
    if outer:
        _batch.rows = None
        if rows:
            insert(*rows)


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    org: Org | None = None,
    related_org: Org | None = None,
) -> AuditLog:
    entry = AuditLog(
        org=org if org is not None else home_org(obj),
        related_org=related_org,
        actor_id=actor.user_id,
        actor_label=actor.label[:80],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        reason=reason,
    )
    rows: list[AuditLog] | None = getattr(_batch, "rows", None)
    if rows is not None:
        rows.append(entry)  # written by the enclosing `batched` block
    else:
        entry.save(force_insert=True)
    return entry


def home_org(obj: models.Model) -> Org | None:
    """The org whose admins should see an entry about an object that belongs to no union:
    enterprises, stations and partner credentials are filed under the street federation where
    they are registered (属地), a place itself (a street's reference point) under that place's
    federation, so its admins and everyone above them see the entry."""
    if isinstance(obj, Region):
        return place_federation(obj)
    street = getattr(obj, "street", None)
    if street is None:
        enterprise = getattr(obj, "enterprise", None)
        street = getattr(enterprise, "street", None)
    if not isinstance(street, Region):
        return None
    return _STREET_FEDERATION.first(region_id=street.pk)


_FEDERATION_KIND = {
    Region.Level.STREET: Org.Kind.STREET_FEDERATION,
    Region.Level.DISTRICT: Org.Kind.DISTRICT_FEDERATION,
    Region.Level.CITY: Org.Kind.CITY_FEDERATION,
}


def place_federation(region: Region | None) -> Org | None:
    """The federation answering for a place: the street's, else its district's, else the city
    federation — which also answers for what is the same everywhere (region None: the holiday
    calendar). Settings made for a place are filed under it in the audit log, where its admins
    see them; without it only superusers would."""
    while region is not None:
        found = (
            Org.objects.filter(kind=_FEDERATION_KIND[Region.Level(region.level)], region=region, status=Org.Status.ACTIVE)
            .order_by("id")
            .first()
        )
        if found is not None:
            return found
        region = region.parent
    return Org.objects.filter(kind=Org.Kind.CITY_FEDERATION, parent__isnull=True).order_by("id").first()


# Asked for many audit rows of a join (a platform link, an external id): compiled once.
_STREET_FEDERATION: PreparedQuery[Org] = PreparedQuery(
    lambda region_id: Org.objects.filter(
        kind=Org.Kind.STREET_FEDERATION, region_id=region_id, status=Org.Status.ACTIVE
    ).order_by("id")[:1]
)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe picture of the named fields, for before/after columns."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[name] = value
    return out
