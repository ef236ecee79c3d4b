"""Honours in figures: per honour, how many nominated and awarded, in each gig industry — what a
federation reports so that gig workers are visible among its model workers and award winners."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from gongyou.core.choices import Industry
from gongyou.honours.models import CompetitionResult, Nomination
from gongyou.honours.vocab import HonourKind, NominationStatus
from gongyou.members.models import Membership


@dataclass
class HonourRow:
    kind: str
    label: str
    nominated: int = 0
    awarded: int = 0
    by_industry: dict[str, int] = field(default_factory=dict)  # awarded, per industry

    @property
    def industry_counts(self) -> list[int]:
        """Awarded per industry, in Industry's order (the table's columns)."""
        return [self.by_industry.get(value, 0) for value in Industry.values]


def honour_stats(nominations: QuerySet[Nomination]) -> list[HonourRow]:
    """One row per honour (every kind, zeros included), from one grouped query."""
    rows = {kind: HonourRow(kind, str(label), by_industry=dict.fromkeys(Industry.values, 0)) for kind, label in HonourKind.choices}
    grouped = nominations.values("kind", "industry").annotate(
        nominated=Count("id"), awarded=Count("id", filter=Q(status=NominationStatus.AWARDED))
    )
    for g in grouped:
        row = rows.get(g["kind"])
        if row is None:
            continue
        row.nominated += g["nominated"]
        row.awarded += g["awarded"]
        if g["industry"] in row.by_industry:
            row.by_industry[g["industry"]] += g["awarded"]
    return list(rows.values())


@dataclass(frozen=True)
class MemberHonour:
    year: int
    title: str  # the honour, or the competition
    detail: str  # who gave it, or the place won


def member_honours(membership: Membership) -> list[MemberHonour]:
    """What the member has won — honours awarded and places in competitions — newest first.
    Nominations still undecided or not awarded are the unions' business and not shown."""
    won = [
        MemberHonour(n.year, n.get_kind_display(), n.org.name)
        for n in Nomination.objects.filter(membership=membership, status=NominationStatus.AWARDED).select_related("org")
    ]
    won += [
        MemberHonour(r.competition.held_on.year, r.competition.title, r.award)
        for r in CompetitionResult.objects.filter(membership=membership).select_related("competition")
    ]
    return sorted(won, key=lambda h: h.year, reverse=True)
