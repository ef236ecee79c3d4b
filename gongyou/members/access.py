"""Scoped reads of memberships, transfers and founding tasks for staff (see core.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongyou.core.access import AnyUser, get_in_scope, scope_org_ids, scoped
from gongyou.members.models import FoundingTask, Membership, Transfer


def memberships_for(user: AnyUser, *, listed_up_to: int = 0) -> QuerySet[Membership]:
    """Memberships in the user's scope (`listed_up_to`: core.access.scoped)."""
    return scoped(user, Membership.objects.select_related("person", "org"), "org", listed_up_to=listed_up_to)


def membership_for(user: AnyUser, member_no: str) -> Membership:
    return get_in_scope(user, Membership.objects.select_related("person", "org"), "org", member_no=member_no)


def transfers_for(user: AnyUser) -> QuerySet[Transfer]:
    """Transfers where either side is in scope: the old org sees outgoing, the new org incoming."""
    qs = Transfer.objects.select_related("membership__person", "from_org", "to_org")
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(from_org__in=ids) | Q(to_org__in=ids))


def founding_tasks_for(user: AnyUser) -> QuerySet[FoundingTask]:
    return scoped(user, FoundingTask.objects.select_related("federation", "enterprise"), "federation")
