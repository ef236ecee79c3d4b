"""Scoped reads of competitions and nominations: they belong to the org that held or nominated
(core.access decides the scope; out of scope answers like missing)."""

from __future__ import annotations

from django.db.models import QuerySet

from gongyou.core.access import AnyUser, get_or_404, scoped
from gongyou.honours.models import Competition, Nomination


def competitions_in_scope(user: AnyUser) -> QuerySet[Competition]:
    return scoped(user, Competition.objects.select_related("org"))


def competition_in_scope(user: AnyUser, pk: object) -> Competition:
    return get_or_404(competitions_in_scope(user), pk=pk)


def nominations_in_scope(user: AnyUser) -> QuerySet[Nomination]:
    return scoped(user, Nomination.objects.select_related("org", "membership__person"))


def nomination_in_scope(user: AnyUser, pk: object) -> Nomination:
    return get_or_404(nominations_in_scope(user), pk=pk)
