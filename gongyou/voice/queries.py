"""Reports: the accountability of each party for its action items, and the coverage of
collective agreements in force by district and industry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongyou.core.choices import Industry
from gongyou.core.models import Region
from gongyou.core.shared_counts import shared
from gongyou.members.models import RosterEntry
from gongyou.voice.models import ActionItem, Agreement, in_force_q
from gongyou.voice.vocab import ItemStatus, PartyKind


@dataclass
class Accountability:
    """One party's record. An item counts once it can be judged: done (on time or late) or
    open past its due date (overdue). Open items not yet due are shown but not counted.
    `on_time_percent` = done on or before the due date ÷ judged items, None when none is."""

    kind: str
    name: str
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    pending: int = 0

    @property
    def judged(self) -> int:
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.done_on_time / self.judged, 1) if self.judged else None

    @property
    def kind_label(self) -> str:
        return str(PartyKind(self.kind).label)


def accountability(items: QuerySet[ActionItem], today: dt.date) -> list[Accountability]:
    """Per party — the same kind and name across meetings is one party — worst first."""
    rows: dict[tuple[str, str], Accountability] = {}
    for kind, name, status, due_on, done_on in items.values_list(
        "owner__kind", "owner__name", "status", "due_on", "done_on"
    ):
        row = rows.setdefault((kind, name), Accountability(kind, name))
        row.total += 1
        if status == ItemStatus.DONE:
            if done_on is not None and done_on <= due_on:
                row.done_on_time += 1
            else:
                row.done_late += 1
        elif due_on < today:
            row.overdue += 1
        else:
            row.pending += 1
    return sorted(rows.values(), key=lambda r: (r.on_time_percent is None, r.on_time_percent or 0, r.kind, r.name))


@dataclass
class CoverageRow:
    district: str
    district_code: str
    industry: str
    industry_label: str
    agreements: int
    enterprises: int
    workers: int


def coverage(agreements: QuerySet[Agreement], today: dt.date) -> list[CoverageRow]:
    """Agreements in force on `today` by district and industry: how many, the distinct
    enterprises they cover and the workers covered (the sum of each agreement's count; one
    worker under both an industry and a regional agreement counts under each). A street's
    agreement counts in its district; a city-wide one in its own row, "全市"."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    enterprises: dict[tuple[str, str], set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    live = (
        agreements.filter(in_force_q(today)).select_related("region", "region__parent").prefetch_related("enterprises")
    )
    for a in live:
        district = a.region.parent if a.region.level == Region.Level.STREET else a.region
        assert district is not None
        code = "" if district.level == Region.Level.CITY else district.code
        names[code] = district.name if code else _("全市")
        key = (code, a.industry)
        counts[key][0] += 1
        counts[key][1] += a.workers_covered
        enterprises[key].update(e.pk for e in a.enterprises.all())
    labels = dict(Industry.choices)
    return [
        CoverageRow(
            names[code], code, industry, str(labels.get(industry, industry)), n, len(enterprises[(code, industry)]), w
        )
        for (code, industry), (n, w) in sorted(counts.items())
    ]


def roster_workers_covered(agreement: Agreement) -> int:
    """The workers the platforms' rosters list at the agreement's enterprises, within its region
    (a street, a district, or the whole city), each person once: a check on the number typed in
    (`workers_covered`, which the agreement itself states). Only active roster rows. The count
    reads every such row (130 ms for a city-wide agreement over 100,000, bench/README), so it is
    shared for GONGYOU_COVERAGE_SECONDS like the coverage page's counts (the page says so)."""
    enterprise_ids = sorted(agreement.enterprises.values_list("pk", flat=True))
    region = agreement.region

    def count() -> int:
        rows = RosterEntry.objects.filter(enterprise_id__in=enterprise_ids, active=True)
        if region.level == Region.Level.STREET:
            rows = rows.filter(street=region)
        elif region.level == Region.Level.DISTRICT:
            rows = rows.filter(street__parent=region)
        return rows.values("id_hash").distinct().count()

    return shared("agreement-roster", [region.pk, *enterprise_ids], settings.GONGYOU["COVERAGE_SECONDS"], count)
