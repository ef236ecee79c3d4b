"""Scoped reads for a partner: which memberships a platform may look up."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongyou.core.models import Enterprise
from gongyou.core.prepared import PreparedQuery
from gongyou.members.models import Membership, Person, RosterEntry
from gongyou.partners.models import PartnerWorkerLink


def _visible(enterprise_id: int) -> QuerySet[Membership]:
    on_roster = RosterEntry.objects.filter(enterprise_id=enterprise_id, id_hash=OuterRef("person__id_hash"), active=True)
    joined_through = Person.platforms.through.objects.filter(person_id=OuterRef("person_id"), enterprise_id=enterprise_id)
    linked = PartnerWorkerLink.objects.filter(person_id=OuterRef("person_id"), enterprise_id=enterprise_id)
    return Membership.objects.select_related("org").filter(
        Q(via_enterprise_id=enterprise_id) | Exists(joined_through) | Exists(on_roster) | Exists(linked)
    )


# The partner's member lookup, compiled once (gongyou.core.prepared). The member number's unique
# index finds the one row; the visibility test runs on that row only.
_VISIBLE_MEMBER: PreparedQuery[Membership] = PreparedQuery(
    lambda enterprise_id, member_no: _visible(enterprise_id).filter(member_no=member_no)[:1]
)


def visible_member(enterprise: Enterprise, member_no: str) -> Membership | None:
    """The membership with this number if the partner may look it up (visible_memberships), else None."""
    return _VISIBLE_MEMBER.first(enterprise_id=enterprise.pk, member_no=member_no)


def visible_memberships(enterprise: Enterprise) -> QuerySet[Membership]:
    """Memberships a partner may look up: people on its roster, or who joined through it —
    including a join that found the person already a member (200 with their member_no): the
    partner was just told that number, so looking it up must not answer 404. Only an active
    roster row counts: a row saying "no longer works here" is no evidence of a relationship, and
    was the probe's way to ask about anyone's ID number."""
    return _visible(enterprise.pk)
