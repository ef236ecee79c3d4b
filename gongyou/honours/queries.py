"""Honours in figures: per honour, how many nominated and awarded, in each gig industry — what a
federation reports so that gig workers are visible among its model workers and award winners."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from gongyou.core.choices import Industry
from gongyou.honours.models import Nomination
from gongyou.honours.vocab import HonourKind, NominationStatus


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
