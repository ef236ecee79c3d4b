"""Reads for the dashboards, the monthly report, the ranking and the API: snapshot + today's
delta, for one area (the city, a district or a street) and optionally per child area (districts
of the city, streets of a district).

A few aggregate queries over the snapshot tables per page, whatever the number of members: the
snapshot of the last built day (stocks), the sum of built days in the period (flows), the served
histogram, then the live changes since the snapshot for the indicators marked `live`. Before the
first `rebuild_snapshots` everything is counted live (small installations, tests)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from gongyou.core.shared_counts import shared
from gongyou.insight.indicators import INDICATORS, SHARES, Key, share
from gongyou.insight.models import ServedMonth, Snapshot, SnapshotRun
from gongyou.insight.served import (
    ServedKey,
    by_key,
    local_midnight,
    month_start,
    next_month,
    served_in_month,
    served_since,
)
from gongyou.insight.snapshots import MTD, mtd

T = TypeVar("T")
EPOCH = dt.date(1900, 1, 1)
# Snapshot reads are keyed by the rebuild runs, so a new run is seen at once; the timeout only
# bounds what a cache keeps of generations no longer asked for.
SNAPSHOT_CACHE_SECONDS = 24 * 3600

HISTORY_STOCKS = [i.code for i in INDICATORS.values() if i.kind == "stock" and i.has_history]
CURRENT_STOCKS = [i.code for i in INDICATORS.values() if i.kind == "stock" and not i.has_history]
FLOWS = [i.code for i in INDICATORS.values() if i.kind == "flow"]
TREND = ["members_active", "new_members", "transfers", "people_served", "head_enterprises_with_union",
         "stations_with_union", "founding_tasks_opened", "founding_tasks_closed", "cases_submitted", "cases_open"]  # fmt: skip


@dataclass(frozen=True)
class Area:
    """The city (no codes), a district, a street — or nothing (a staff user with no territory)."""

    district: str | None = None
    street: str | None = None
    nothing: bool = False

    @property
    def level(self) -> str:
        return "street" if self.street else "district" if self.district else "city"

    @property
    def code(self) -> str | None:
        return self.street or self.district

    def contains(self, key: Key) -> bool:
        if self.nothing:
            return False
        if self.street:
            return key[1] == self.street
        return self.district is None or key[0] == self.district

    def child(self, key: Key) -> str:
        """The child area a key falls in: a district of the city, a street ("" unknown) of a district."""
        if self.level == "city":
            return key[0]
        return key[1]

    def filter(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.nothing:
            return qs.none()
        if self.street:
            return qs.filter(street_code=self.street)
        if self.district:
            return qs.filter(district_code=self.district)
        return qs


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


Values = dict[str, dict[str, int]]


@dataclass
class Reader:
    """One request's view of the figures of `area`: the snapshot state is read once, and each
    live delta computed at most once."""

    area: Area
    now: dt.datetime = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        self.today = timezone.localdate(self.now)
        runs = list(SnapshotRun.objects.values_list("id", "built_through", "finished_at"))
        days = sorted({day for _id, day, _at in runs})
        self.run_days: list[dt.date] = days
        # What the snapshot tables hold changes only with a rebuild run: the snapshot part of a
        # read is cached under the runs' identity, the live delta never is.
        self.generation = (
            f"{len(runs)}.{max(i for i, _d, _a in runs)}.{max(a for _i, _d, a in runs).timestamp()}" if runs else ""
        )
        self.cutoff: dt.date | None = days[-1] if days else None
        self.live_from = local_midnight(self.cutoff + dt.timedelta(days=1) if self.cutoff else EPOCH)
        self._cache: dict[Any, Counter[Key]] = {}
        self._served: tuple[dt.date, Counter[ServedKey]] | None = None
        self._periods: dict[tuple[dt.date, dt.date, bool], list[tuple[Key, str, int]]] = {}

    # -- live parts ---------------------------------------------------------------------------

    def _live_codes(self) -> list[str]:
        if self.cutoff is None:
            return HISTORY_STOCKS + FLOWS
        return [i.code for i in INDICATORS.values() if i.live]

    def delta(self, code: str, since: dt.datetime) -> Counter[Key]:
        """Changes of a live indicator from `since` to now, within the area."""
        cache_key = (code, since)
        if cache_key not in self._cache:
            batch = _shared_live(("since", code, since), lambda: INDICATORS[code].since_batch(since))
            for counted, counts in batch.items():
                self._cache[(counted, since)] = Counter({k: v for k, v in counts.items() if self.area.contains(k)})
        return self._cache[cache_key]

    def current(self, code: str) -> Counter[Key]:
        """A stock without history counted now (only before the first rebuild)."""
        cache_key = (code, "now")
        if cache_key not in self._cache:
            counts = INDICATORS[code].current()
            self._cache[cache_key] = Counter({k: v for k, v in counts.items() if self.area.contains(k)})
        return self._cache[cache_key]

    def served_delta(self) -> tuple[dt.date, Counter[ServedKey]]:
        if self._served is None:
            month, counts = _shared_live(
                ("served", self.live_from, month_start(self.today)), lambda: served_since(self.live_from, self.now)
            )
            self._served = (month, Counter({k: v for k, v in counts.items() if self.area.contains((k[0], k[1]))}))
        return self._served

    # -- figures for a period -------------------------------------------------------------------

    def _current_day(self, day: dt.date) -> dt.date | None:
        """The last rebuild day on or before `day` (stocks without history exist only there)."""
        found = [d for d in self.run_days if d <= day]
        return found[-1] if found else None

    def period(self, first: dt.date, last: dt.date, *, by_child: bool = False, served_only: bool = False) -> Values:
        """Every indicator over the days [first, last]: stocks at `last` (or now when `last` is
        today or later), flows summed, people served distinct over the months of the period.
        Keyed by child area code when `by_child`, else by "" (the whole area). `served_only`:
        people served alone (the other indicators are left out, and not queried)."""
        out: Values = defaultdict(lambda: defaultdict(int))
        if not by_child:
            out.setdefault("", defaultdict(int))  # the whole area, even when nothing counts
        for key, code, n in self._counted(first, last, served_only):
            out[self.area.child(key) if by_child else ""][code] += n
        return _with_shares(out)

    def _counted(self, first: dt.date, last: dt.date, served_only: bool) -> list[tuple[Key, str, int]]:
        """What `period` adds up, per (district, street) key, read once per request: a dashboard
        asks for the same period as a whole and by child area."""
        cache_key = (first, last, served_only)
        if cache_key in self._periods:
            return self._periods[cache_key]
        found: list[tuple[Key, str, int]] = []
        first_month = month_start(first)
        if self.cutoff is not None:
            for code, district, street, n in self._snapshot_rows(first, min(last, self.cutoff), served_only):
                found.append(((district, street), code, n))
        else:
            for code in [] if served_only else CURRENT_STOCKS:
                for key, n in self.current(code).items():
                    found.append((key, code, n))
            for month in months_between(first, min(last, self.today)):
                for key, n in by_key(served_in_month(month, self.now), first_month).items():
                    if self.area.contains(key):
                        found.append((key, "people_served", n))
        if self.cutoff is None or last > self.cutoff:
            for code in [] if served_only else self._live_codes():
                since = self.live_from
                if INDICATORS[code].kind == "flow":
                    since = max(since, local_midnight(first))
                for key, n in self.delta(code, since).items():
                    found.append((key, code, n))
            if self.cutoff is not None:
                month, counts = self.served_delta()
                if first_month <= month <= last:
                    for key, n in by_key(counts, first_month).items():
                        found.append((key, "people_served", n))
        self._periods[cache_key] = found
        return found

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], list[Any]]) -> list[Any]:
        """Snapshot rows of this area, kept until a rebuild run changes the generation."""
        area = (self.area.district, self.area.street, self.area.nothing)
        return shared("insight", (self.generation, *area, *key), SNAPSHOT_CACHE_SECONDS, compute)

    def _snapshot_rows(self, first: dt.date, d: dt.date, served_only: bool) -> list[tuple[str, str, str, int]]:
        """(indicator, district, street, value) from the snapshot tables for the days [first, d]
        (d ≤ the last built day), people served included."""

        def compute() -> list[tuple[str, str, str, int]]:
            out: list[tuple[str, str, str, int]] = []
            # One simple query per part: each an index range on (indicator, day, …); an OR of
            # them would make PostgreSQL scan the table.
            if first.day == 1:
                # Whole months: the month-to-date rows at each month's end (and at d).
                ends = {min(month_end(m), d) for m in months_between(first, d)}
                flows = Q(indicator__in=[mtd(c) for c in FLOWS], day__in=sorted(ends))
            else:
                flows = Q(indicator__in=FLOWS, day__gte=first, day__lte=d)
            parts = [Q(indicator__in=HISTORY_STOCKS, day=d), flows]
            current_day = self._current_day(d)
            if current_day is not None:
                parts.append(Q(indicator__in=CURRENT_STOCKS, day=current_day))
            for where in [] if served_only else parts:
                rows = (
                    self.area.filter(Snapshot.objects.filter(where))
                    .values("indicator", "district_code", "street_code")
                    .annotate(n=Sum("value"))
                    .values_list("indicator", "district_code", "street_code", "n")
                )
                out.extend((code.removesuffix(MTD), district, street, n) for code, district, street, n in rows)
            first_month = month_start(first)
            served = (
                self.area.filter(ServedMonth.objects.filter(month__gte=first_month, month__lte=d))
                .filter(Q(prev_month__isnull=True) | Q(prev_month__lt=first_month))
                .values("district_code", "street_code")
                .annotate(n=Sum("people"))
                .values_list("district_code", "street_code", "n")
            )
            out.extend(("people_served", district, street, n) for district, street, n in served)
            return out

        return self._cached(("period", first, d, served_only), compute)

    # -- monthly trend ------------------------------------------------------------------------

    def monthly(self, months: list[dt.date]) -> list[dict[str, Any]]:
        """The trend indicators per month: stocks at the month's end (now for the running
        month), flows and people served (distinct in the month) over the month."""
        if not months:
            return []
        table: dict[dt.date, dict[str, int]] = {m: defaultdict(int) for m in months}
        ends = {m: month_end(m) for m in months}
        if self.cutoff is not None:
            cutoff = self.cutoff
            day_months: dict[dt.date, list[dt.date]] = defaultdict(list)
            for m in months:
                day_months[min(ends[m], cutoff)].append(m)
            for kind, code, day, n in self._cached(
                ("monthly", *months), lambda: self._monthly_snapshot_rows(months, day_months)
            ):
                if kind == "stock":
                    for m in day_months[day]:
                        table[m][code] += n
                elif kind == "flow":
                    table[month_start(day)][code] += n
                else:
                    table[day]["people_served"] += n
        live_months = [m for m in months if self.cutoff is None or ends[m] > self.cutoff]
        for m in live_months:
            if m > self.today:
                continue
            for code in self._live_codes():
                if code not in TREND:
                    continue
                indicator = INDICATORS[code]
                if indicator.kind == "flow":
                    since = max(self.live_from, local_midnight(m))
                    counts = self.delta(code, since)
                    if next_month(m) <= self.today:
                        # A past month counted live (no snapshot yet): only its own days.
                        counts = self._flow_within(code, m, since)
                else:
                    counts = self.delta(code, self.live_from)
                    if self.cutoff is None and next_month(m) <= self.today:
                        counts = self._stock_at(code, local_midnight(next_month(m)))
                table[m][code] += sum(counts.values())
            if self.cutoff is None:
                served_now = served_in_month(m, self.now)
                table[m]["people_served"] += sum(n for k, n in served_now.items() if self.area.contains((k[0], k[1])))
            elif m == month_start(self.today):
                _month, served_counts = self.served_delta()
                table[m]["people_served"] += sum(served_counts.values())
        return [{"month": m, **{code: table[m].get(code, 0) for code in TREND}} for m in months]

    def _monthly_snapshot_rows(
        self, months: list[dt.date], day_months: dict[dt.date, list[dt.date]]
    ) -> list[tuple[str, str, dt.date, int]]:
        """("stock" | "flow" | "served", indicator, day or month, value) for the trend."""
        out: list[tuple[str, str, dt.date, int]] = []
        stocks = [c for c in HISTORY_STOCKS if c in TREND]
        flows = [c for c in FLOWS if c in TREND]
        rows = (
            self.area.filter(Snapshot.objects.filter(indicator__in=stocks, day__in=list(day_months)))
            .values("indicator", "day")
            .annotate(n=Sum("value"))
            .values_list("indicator", "day", "n")
        )
        out.extend(("stock", code, day, n) for code, day, n in rows)
        flow_days = [d for d, ms in day_months.items() if month_start(d) in ms]
        rows = (
            self.area.filter(Snapshot.objects.filter(indicator__in=[mtd(c) for c in flows], day__in=flow_days))
            .values("indicator", "day")
            .annotate(n=Sum("value"))
            .values_list("indicator", "day", "n")
        )
        out.extend(("flow", code.removesuffix(MTD), day, n) for code, day, n in rows)
        served = (
            self.area.filter(ServedMonth.objects.filter(month__gte=months[0], month__lte=months[-1]))
            .values("month")
            .annotate(n=Sum("people"))
            .values_list("month", "n")
        )
        out.extend(("served", "people_served", month, n) for month, n in served)
        return out

    def _flow_within(self, code: str, month: dt.date, since: dt.datetime) -> Counter[Key]:
        end = local_midnight(next_month(month))
        daily = INDICATORS[code].history(end)
        out: Counter[Key] = Counter()
        for day, counts in daily.items():
            if local_midnight(day) >= since:
                out.update({k: v for k, v in counts.items() if self.area.contains(k)})
        return out

    def _stock_at(self, code: str, until: dt.datetime) -> Counter[Key]:
        out: Counter[Key] = Counter()
        for counts in INDICATORS[code].history(until).values():
            out.update({k: v for k, v in counts.items() if self.area.contains(k)})
        return out


def _shared_live(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """A city-wide live count, shared by every reader for INSIGHT_LIVE_SECONDS (then counted
    again): the area is applied afterwards, so one count serves all scopes."""
    return shared("insight-live", key, settings.GONGYOU["INSIGHT_LIVE_SECONDS"], compute)


def _with_shares(values: Values) -> Values:
    result: Values = {}
    for child, counted in values.items():
        row: dict[str, Any] = dict.fromkeys(INDICATORS, 0) | dict(counted)
        for code, _label, numerator, denominator in SHARES:
            row[code] = share(row, numerator, denominator)
        result[child] = row
    return result


def kpis(area: Area, first_month: dt.date, last_month: dt.date, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """GET /api/v1/insight/kpis (issue 12 contract): levels now, people served distinct over the
    months [first_month, last_month] (both included), and the months."""
    reader = Reader(area, now or timezone.now())
    now_values = reader.period(reader.today, reader.today).get("", {})
    served = reader.period(first_month, month_end(last_month), served_only=True).get("", {}).get("people_served", 0)
    months = reader.monthly(months_between(first_month, last_month))
    return {
        "region": area.code,
        "members_active": now_values.get("members_active", 0),
        "people_served": served,
        "roster_workers": now_values.get("roster_workers", 0),
        "head_enterprises": now_values.get("head_enterprises", 0),
        "head_enterprises_with_union": now_values.get("head_enterprises_with_union", 0),
        "stations": now_values.get("stations", 0),
        "stations_with_union": now_values.get("stations_with_union", 0),
        "months": [
            {
                "month": f"{m['month']:%Y-%m}",
                "members_active": m["members_active"],
                "new_members": m["new_members"],
                "people_served": m["people_served"],
            }
            for m in months
        ],
    }
