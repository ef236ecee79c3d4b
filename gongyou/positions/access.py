"""Scoped reads of positions and feedback for staff (see core.access): out of scope is 404; and
the public read of one position (anything not retired)."""

from __future__ import annotations

from django.db.models import QuerySet

from gongyou.core.access import AnyUser, get_in_scope, get_or_404, orgs_in_scope, scoped, streets_in_scope
from gongyou.core.models import Org, Region
from gongyou.members.models import Membership
from gongyou.positions.models import CheckIn, Feedback, ServicePosition
from gongyou.positions.vocab import Status


def positions_for(user: AnyUser) -> QuerySet[ServicePosition]:
    return scoped(user, ServicePosition.objects.select_related("org", "street__parent"), "org")


def position_for(user: AnyUser, pk: object) -> ServicePosition:
    return get_in_scope(user, ServicePosition.objects.select_related("org", "street__parent"), "org", pk=pk)


def public_position(pk: object) -> ServicePosition:
    """A position as workers see it: any that is not retired, to anyone."""
    return get_or_404(
        ServicePosition.objects.select_related("street__parent", "org").exclude(status=Status.RETIRED), pk=pk
    )


# The latest visits a member page lists (a rider checks in daily; the page shows the recent ones).
VISITS_SHOWN = 20


def checkins_of(membership: Membership, *, limit: int = VISITS_SHOWN) -> list[CheckIn]:
    """The member's own visits, newest first (我的会籍)."""
    qs = CheckIn.objects.filter(membership=membership).select_related("position").order_by("-at", "-id")
    return list(qs[:limit])


def member_checkins_for(user: AnyUser, membership: Membership, *, limit: int = VISITS_SHOWN) -> list[CheckIn]:
    """A member's visits on the staff member page: only while the membership's org is in the
    user's scope (the visit belongs to the member's record, wherever the station is)."""
    qs = scoped(user, CheckIn.objects.filter(membership=membership), "membership__org")
    return list(qs.select_related("position").order_by("-at", "-id")[:limit])


def feedback_for(user: AnyUser) -> QuerySet[Feedback]:
    return scoped(user, Feedback.objects.select_related("position", "org"), "org")


def feedback_item_for(user: AnyUser, pk: object) -> Feedback:
    return get_in_scope(user, Feedback.objects.select_related("position", "org"), "org", pk=pk)


def manageable_orgs(user: AnyUser) -> dict[str, Org]:
    """Orgs the user may assign as managing org, by id and by exact name (for spreadsheets);
    a name shared by two orgs in scope is left out so it can never pick the wrong one."""
    orgs = list(orgs_in_scope(user).filter(status=Org.Status.ACTIVE).order_by("id"))
    out: dict[str, Org] = {str(o.pk): o for o in orgs}
    names: dict[str, list[Org]] = {}
    for org in orgs:
        names.setdefault(org.name, []).append(org)
    out.update({name: found[0] for name, found in names.items() if len(found) == 1})
    return out


def streets_for(user: AnyUser) -> QuerySet[Region]:
    """Streets whose coverage the user looks after: the scope's streets (core.access)."""
    return streets_in_scope(user)
