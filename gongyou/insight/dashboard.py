"""What a coverage dashboard shows for one area and year, assembled from insight.queries: the
indicator cards against their targets, the table of child areas (districts of the city, streets
of a district) for drilling down, the monthly trend and the chart/map data. No HTTP here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.cases.vocab import CaseType
from gongyou.core.models import Region
from gongyou.insight.indicators import INDICATORS, SHARES
from gongyou.insight.models import Target
from gongyou.insight.queries import TREND, Area, Reader, months_between
from gongyou.insight.snapshots import default_start

# The columns of every per-area table, in reading order; shares follow their parts.
COLUMNS = [
    "members_active", "new_members", "transfers", "members_at_risk", "people_served",
    "roster_workers", "roster_members", "member_share",
    "head_enterprises", "head_enterprises_with_union", "head_union_share",
    "stations", "stations_with_union", "station_union_share",
    "unionless_enterprises", "relay_stations", "blind_spots", "founding_tasks_opened", "founding_tasks_closed",
    "cases_submitted", *(f"cases_{t}" for t in CaseType), "cases_open", "cases_overdue",
]  # fmt: skip
SHARE_LABELS = {code: label for code, label, _n, _d in SHARES}


def label(code: str) -> str:
    return str(INDICATORS[code].label if code in INDICATORS else SHARE_LABELS[code])


def is_share(code: str) -> bool:
    return code in SHARE_LABELS


@dataclass
class Card:
    code: str
    label: str
    formula: str
    value: Any
    target: int | None = None

    @property
    def is_share(self) -> bool:
        return is_share(self.code)

    @property
    def progress(self) -> float | None:
        if not self.target:
            return None
        return round(100 * (self.value or 0) / self.target, 1)

    @property
    def progress_width(self) -> int:
        """The progress bar's width in percent (capped at 100)."""
        return min(100, int(self.progress or 0))


@dataclass
class ChildRow:
    code: str
    name: str
    values: dict[str, Any]
    lng: float | None = None
    lat: float | None = None

    @property
    def cells(self) -> list[Any]:
        return [self.values.get(c) for c in COLUMNS]

    @property
    def texts(self) -> list[str]:
        """The cells as the table shows them: formatting a few hundred numbers here instead of in
        the template (Django localises each one) takes a third of the city page's CPU off."""
        return [text(v) for v in self.cells]


def text(value: Any) -> str:
    """A figure as shown in a table ("—" for none); no thousands separator, as Django's default."""
    return "—" if value is None else str(value)


@dataclass
class Dashboard:
    area: Area
    name: str
    year: int
    first: dt.date
    last: dt.date
    cards: list[Card]
    children: list[ChildRow]
    months: list[dict[str, Any]]
    cutoff: dt.date | None
    shares: dict[str, Any] = field(default_factory=dict)

    def chart_data(self) -> dict[str, Any]:
        """For console/insight/dashboard.js (a json_script block): trend lines, bars by child
        area and map bubbles at the child areas' reference points."""
        return {
            "months": [f"{m['month']:%Y-%m}" for m in self.months],
            "trend": {code: [m[code] for m in self.months] for code in TREND},
            "labels": {code: label(code) for code in TREND},
            "bars": {
                "names": [c.name for c in self.children],
                "members_active": [c.values.get("members_active", 0) for c in self.children],
                "people_served": [c.values.get("people_served", 0) for c in self.children],
                "labels": {"members_active": label("members_active"), "people_served": label("people_served")},
            },
            "map": [
                {
                    "name": c.name,
                    "lng": c.lng,
                    "lat": c.lat,
                    "members": c.values.get("members_active", 0),
                    "served": c.values.get("people_served", 0),
                }
                for c in self.children
                if c.lng is not None and c.lat is not None
            ],  # fmt: skip
        }


def area_region(area: Area) -> Region | None:
    code = area.code
    return Region.objects.filter(code=code).select_related("parent").first() if code else None


def area_name(area: Area) -> str:
    region = area_region(area)
    if region is None:
        return str(Region.objects.filter(level=Region.Level.CITY).values_list("name", flat=True).first() or _("全市"))
    return region.full_name if hasattr(region, "full_name") else region.name


def targets_of(area: Area, year: int) -> dict[str, int]:
    """The area's targets for the year: its own (district, street), the districts' summed (city)."""
    qs = Target.objects.filter(period=year)
    if area.nothing:
        return {}
    if area.code:
        qs = qs.filter(region__code=area.code)
    else:
        qs = qs.filter(region__level=Region.Level.DISTRICT)
    return dict(qs.values("indicator").annotate(total=Sum("value")).values_list("indicator", "total"))


def year_span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1)))


def child_regions(area: Area) -> list[Region]:
    if area.nothing or area.street:
        return []
    if area.district:
        return list(Region.objects.filter(level=Region.Level.STREET, parent__code=area.district).order_by("code"))
    return list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))


def build(area: Area, year: int, *, now: dt.datetime | None = None) -> Dashboard:
    reader = Reader(area, now or timezone.now())
    first, last = year_span(year, reader.today)
    # Both reads add up the same rows, read once per request (Reader._counted).
    totals = reader.period(first, last).get("", {})
    by_child = reader.period(first, last, by_child=True) if not area.street else {}
    targets = targets_of(area, year)
    cards = [Card(code, label(code), _formula(code), totals.get(code), targets.get(code)) for code in COLUMNS]
    children = []
    for region in child_regions(area):
        empty: dict[str, Any] = {**dict.fromkeys(COLUMNS, 0), **dict.fromkeys(SHARE_LABELS)}
        values = by_child.get(region.code) or empty
        children.append(ChildRow(region.code, region.name, values, region.lng, region.lat))
    if area.district and by_child.get(""):
        children.append(ChildRow("", _("街镇不详"), by_child[""]))
    months = reader.monthly(months_between(default_start(last), last))
    return Dashboard(area, area_name(area), year, first, last, cards, children, months, reader.cutoff)


def _formula(code: str) -> str:
    if code in INDICATORS:
        return str(INDICATORS[code].formula)
    _code, _label, numerator, denominator = next(s for s in SHARES if s[0] == code)
    return _("%(a)s ÷ %(b)s × 100%%") % {"a": label(numerator), "b": label(denominator)}


def export_rows(board: Dashboard) -> tuple[list[str], list[list[Any]]]:
    """The child-area table as an Excel sheet (the area itself as the last row)."""
    header = [_("区划代码"), _("名称"), *[label(c) for c in COLUMNS]]
    rows = [[c.code, c.name, *c.cells] for c in board.children]
    rows.append([board.area.code or "", board.name, *[card.value for card in board.cards]])
    return header, rows


def trend_rows(board: Dashboard) -> tuple[list[str], list[list[Any]]]:
    header = [_("月份"), *[label(c) for c in TREND]]
    return header, [[f"{m['month']:%Y-%m}", *[m[c] for c in TREND]] for m in board.months]


def monthly_report(area: Area, month: dt.date, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """One month of one area for the printable report: the month's figures (stocks at its end),
    the year's targets and progress so far, the last six months."""
    reader = Reader(area, now or timezone.now())
    end = min((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), reader.today)
    values = reader.period(month, end).get("", {})
    year_values = reader.period(dt.date(month.year, 1, 1), end).get("", {})
    targets = targets_of(area, month.year)
    six = months_between(_months_back(month, 5), month)
    per_code: dict[str, dict[str, Any]] = defaultdict(dict)
    for code in COLUMNS:
        per_code[code] = {"month": values.get(code), "year": year_values.get(code), "target": targets.get(code)}
    return {
        "name": area_name(area),
        "month": month,
        "rows": per_code,
        "trend": reader.monthly(six),
        "cutoff": reader.cutoff,
    }


def _months_back(month: dt.date, n: int) -> dt.date:
    for _step in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month
