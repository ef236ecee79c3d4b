"""A membership's dated history (MembershipEvent): every service that changes a membership
writes its event here, in its own transaction."""

from __future__ import annotations

from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.core.prepared import insert
from gongyou.members.models import Membership, MembershipEvent
from gongyou.members.notes import record_note


def add_event(
    membership: Membership,
    kind: str,
    *,
    actor: Actor,
    from_status: str = "",
    from_org: Org | None = None,
    note: str = "",
    note_code: str = "",
    note_params: dict[str, object] | None = None,
) -> MembershipEvent:
    """`note` is typed text; a system-written note is `note_code` + `note_params` (members.notes),
    stored also as record-language text."""
    params = dict(note_params or {})
    if note_code and not note:
        note = record_note(note_code, params)
    event = MembershipEvent(
        membership=membership,
        kind=kind,
        from_status=from_status,
        to_status=membership.status,
        from_org=from_org,
        to_org=membership.org,
        actor_label=actor.label[:80],
        note=note,
        note_code=note_code,
        note_params=params,
    )
    insert(event)  # gongyou.core.prepared: every membership change writes one; its SQL is built once
    return event
