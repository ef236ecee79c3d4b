"""Reactions to signals from apps below benefits: a member's relay-station check-in is a
service event (positions knows nothing about benefits)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from gongyou.benefits.events import record_service_event
from gongyou.benefits.vocab import ServiceKind
from gongyou.positions.models import CheckIn
from gongyou.positions.signals import checkin_recorded


@receiver(checkin_recorded, dispatch_uid="benefits.checkin_is_a_service")
def count_checkin(sender: Any, checkin: CheckIn, **kwargs: Any) -> None:
    # Anonymous visits are counted by positions, but only a known person can be a person served.
    if checkin.membership_id is None:
        return
    membership = checkin.membership
    position = checkin.position
    assert membership is not None
    record_service_event(
        person=membership.person,
        kind=ServiceKind.CHECKIN,
        org=position.org,
        position=position,
        at=checkin.at,
        source_id=checkin.pk,
    )
