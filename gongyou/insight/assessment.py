"""District assessment (考核, seed §一(二), §三(一)): a ranking of the districts by their progress
against the targets the city set for the year.

Formula, for district d and year y, over the indicators i with a weight w_i
(settings.GONGYOU["ASSESSMENT_WEIGHTS"], env GONGYOU_ASSESSMENT_WEIGHTS) and a target T_i > 0
set for d and y:

    progress_i = min(1, A_i / T_i)          A_i: the indicator for the year (stocks at the
                                             year's end or now, flows and people served over
                                             the year so far), insight.queries
    part_i     = 100 × w_i × progress_i / Σ w_j   (the sum over the same indicators)
    score      = Σ part_i                    0…100, one decimal

An indicator without a target for the district does not count for it (its weight is left out of
the sum), so a missing target neither helps nor hurts. Ties are broken by district code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from gongyou.core.access import AnyUser
from gongyou.core.models import Region
from gongyou.insight.access import scope_area
from gongyou.insight.indicators import INDICATORS
from gongyou.insight.models import Target
from gongyou.insight.queries import Area, Reader


def weights() -> dict[str, int]:
    configured: dict[str, int] = settings.GONGYOU["ASSESSMENT_WEIGHTS"]
    unknown = [code for code in configured if code not in INDICATORS or not INDICATORS[code].targetable]
    if unknown:
        raise ImproperlyConfigured(f"GONGYOU_ASSESSMENT_WEIGHTS names indicators without targets: {unknown}")
    return {code: w for code, w in configured.items() if w > 0}


@dataclass
class Progress:
    indicator: str
    weight: int
    actual: int
    target: int
    progress: float  # 0…1
    points: float

    @property
    def label(self) -> str:
        return str(INDICATORS[self.indicator].label)


@dataclass
class DistrictScore:
    district: Region
    score: float
    rank: int = 0
    lines: list[Progress] = field(default_factory=list)

    @property
    def parts(self) -> dict[str, float]:
        return {line.indicator: line.points for line in self.lines}


def year_bounds(period: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(period, 1, 1), min(dt.date(period, 12, 31), max(today, dt.date(period, 1, 1)))


def ranking(user: AnyUser, period: int, *, now: dt.datetime | None = None) -> list[DistrictScore]:
    """The districts the user's scope covers whole (the city: all 16; a district federation: its
    own), ranked by score for the year `period`."""
    scope = scope_area(user)
    districts = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    if scope.nothing or scope.level == "street":
        return []
    if scope.level == "district":
        districts = districts.filter(code=scope.district)
    reader = Reader(Area(), now or timezone.now())  # by_child: per district
    first, last = year_bounds(period, reader.today)
    values = reader.period(first, last, by_child=True)
    w = weights()
    targets: dict[tuple[str, str], int] = {
        (code, ind): value
        for code, ind, value in Target.objects.filter(
            period=period, region__level=Region.Level.DISTRICT, indicator__in=list(w)
        ).values_list("region__code", "indicator", "value")
    }
    scores = []
    for district in districts:
        actual = values.get(district.code, {})
        counted = [(ind, targets[(district.code, ind)]) for ind in w if targets.get((district.code, ind), 0) > 0]
        total_weight = sum(w[ind] for ind, _t in counted)
        lines = []
        for ind, target in counted:
            a = int(actual.get(ind) or 0)
            progress = min(1.0, a / target)
            lines.append(Progress(ind, w[ind], a, target, progress, round(100 * w[ind] * progress / total_weight, 1)))
        score = round(sum(100 * line.weight * line.progress for line in lines) / total_weight, 1) if lines else 0.0
        scores.append(DistrictScore(district, score, lines=lines))
    scores.sort(key=lambda s: (-s.score, s.district.code))
    for rank, s in enumerate(scores, start=1):
        s.rank = rank
    return scores


def ranking_contract(user: AnyUser, period: int) -> dict[str, object]:
    """GET /api/v1/insight/ranking (issue 12 contract)."""
    return {
        "results": [
            {"district_code": s.district.code, "name": s.district.name, "score": s.score, "parts": s.parts}
            for s in ranking(user, period)
        ]
    }
