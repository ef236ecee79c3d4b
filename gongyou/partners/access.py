"""Scoped reads for a partner: which memberships a platform may look up."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongyou.core.models import Enterprise
from gongyou.members.models import Membership, Person, RosterEntry
from gongyou.partners.models import PartnerWorkerLink


def visible_memberships(enterprise: Enterprise) -> QuerySet[Membership]:
    """Memberships a partner may look up: people on its roster, or who joined through it —
    including a join that found the person already a member (200 with their member_no): the
    partner was just told that number, so looking it up must not answer 404. Only an active
    roster row counts: a row saying "no longer works here" is no evidence of a relationship, and
    was the probe's way to ask about anyone's ID number."""
    on_roster = RosterEntry.objects.filter(enterprise=enterprise, id_hash=OuterRef("person__id_hash"), active=True)
    joined_through = Person.platforms.through.objects.filter(person_id=OuterRef("person_id"), enterprise=enterprise)
    linked = PartnerWorkerLink.objects.filter(person_id=OuterRef("person_id"), enterprise=enterprise)
    return Membership.objects.select_related("org").filter(
        Q(via_enterprise=enterprise) | Exists(joined_through) | Exists(on_roster) | Exists(linked)
    )
