"""A membership's dated history (MembershipEvent): every service that changes a membership
writes its event here, in its own transaction."""

from __future__ import annotations

from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.members.models import Membership, MembershipEvent


def add_event(
    membership: Membership,
    kind: str,
    *,
    actor: Actor,
    from_status: str = "",
    from_org: Org | None = None,
    note: str = "",
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        membership=membership,
        kind=kind,
        from_status=from_status,
        to_status=membership.status,
        from_org=from_org,
        to_org=membership.org,
        actor_label=actor.label[:80],
        note=note,
    )
