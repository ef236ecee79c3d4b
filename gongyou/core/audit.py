"""Writing audit rows. Every service that changes state or reveals personal data calls
`record` inside its own transaction, so the row exists exactly when the change does."""

from __future__ import annotations

from typing import Any

from django.db import models

from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog, Org


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    org: Org | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor_id=actor.user_id,
        actor_label=actor.label[:80],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        org=org,
        before=before,
        after=after,
        reason=reason,
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
