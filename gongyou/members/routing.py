"""The joining rule: which union a joining worker belongs to (SPEC §3, seed §二(一)2–3).

This is the only place the rule lives; every channel (QR/online form, staff entry, partner API,
Excel import) and every transfer proposal asks it.

The reason is kept as a code plus the names it mentions, so each reader sees it in their own
language (`render_reason`); the membership also stores the text in the record language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, When
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gongyou.core.choices import INDUSTRY_CODES, Industry, LaborRelation, record_language
from gongyou.core.models import Org, Station
from gongyou.core.prepared import PreparedQuery
from gongyou.members.work import WorkContext

REASONS = {
    "employer_station": gettext_lazy("与%(employer)s建立劳动关系且单位已建会，加入单位工会在%(station)s的%(org)s"),
    "employer": gettext_lazy("与%(employer)s建立劳动关系且单位已建会，加入单位工会%(org)s"),
    "station": gettext_lazy("按属地和行业就近原则个体入会，加入所在站点%(station)s的%(org)s"),
    "street_union_industry": gettext_lazy(
        "按属地和行业就近原则个体入会，加入%(street)s的%(industry)s行业“小二级”工会%(org)s"
    ),
    "street_union_any": gettext_lazy("%(street)s没有%(industry)s行业的“小二级”工会，按属地原则加入%(org)s"),
    "street_federation": gettext_lazy("%(street)s尚无“小二级”工会，由街镇总工会%(org)s兜底接收"),
}
EMPLOYER_WITHOUT_UNION = gettext_lazy("用工单位%(employer)s尚未建会，")


def render_reason(code: str, params: dict[str, str]) -> str:
    """The reason in the active language; names (orgs, streets, employers) stay as they are.
    Remembered per language, code and names: every join answers with it (twice for a new one,
    stored in the record language and answered in the caller's), and the few thousand unions
    and streets give few distinct texts."""
    try:
        key = (get_language(), code, tuple(sorted(params.items())))
        hash(key)
    except TypeError:  # a value that is not hashable (not from the joining rule): as it is
        return _render_reason(code, params)
    return _remembered_reason(key)


@functools.lru_cache(maxsize=4096)
def _remembered_reason(key: tuple[str | None, str, tuple[tuple[str, str], ...]]) -> str:
    _language, code, items = key
    return _render_reason(code, dict(items))


def _render_reason(code: str, params: dict[str, str]) -> str:
    values = dict(params)
    if "industry" in values and values["industry"] in INDUSTRY_CODES:
        values["industry"] = str(Industry(values["industry"]).label)
    text = str(REASONS[code]) % values
    if values.get("employer_without_union"):
        text = str(EMPLOYER_WITHOUT_UNION) % {"employer": values["employer_without_union"]} + text
    return text


@dataclass(frozen=True)
class Routing:
    union: Org
    mode: str  # Membership.Mode value: "employer" or "individual"
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return render_reason(self.code, self.params)

    @property
    def record_reason(self) -> str:
        with record_language():
            return self.reason


_ACTIVE: dict[tuple[str, ...], PreparedQuery[Org]] = {}


def _active(**filters: object) -> Org | None:
    """The first active org matching `filters` (a model instance stands for its key). Every join
    asks one to three of these, so each set of filter names is compiled once (gongyou.core.prepared)."""
    values = {name: value.pk if isinstance(value, models.Model) else value for name, value in filters.items()}
    names = tuple(sorted(values))
    query = _ACTIVE.get(names)
    if query is None:
        query = _ACTIVE[names] = PreparedQuery(
            lambda **given: Org.objects.filter(status=Org.Status.ACTIVE, **given).order_by("id")[:1]
        )
    return query.first(**values)


def _station_union(station: Station, **filters: object) -> Org | None:
    # A station branch union is preferred over a union group at the same station.
    return (
        Org.objects.filter(
            status=Org.Status.ACTIVE, station=station, kind__in=Org.STATION_KINDS, **filters
        )
        .order_by(Case(When(kind=Org.Kind.STATION_UNION, then=0), default=1), "id")
        .first()
    )


def resolve_union(work: WorkContext) -> Routing:
    """1. A worker with a labour relation whose employer has a union joins it — or the station
    branch union/union group under it at the worker's station (seed §二(一)3 应加入所在单位工会).
    2. Otherwise individual join by locality and industry (属地和行业就近): the station's branch
    union/group; else the street union of the worker's street in the worker's industry; else any
    street union of that street; else the street federation itself (兜底)."""
    street, industry, labor_relation = work.street, work.industry, work.labor_relation
    employer, station = work.employer, work.station
    if labor_relation == LaborRelation.EMPLOYEE and employer is not None:
        union = employer.active_union()
        if union is not None:
            if station is not None:
                group = _station_union(station, second_manager=union)
                if group is not None:
                    return Routing(
                        group, "employer", "employer_station",
                        {"employer": employer.name, "station": station.name, "org": group.name},
                    )
            return Routing(union, "employer", "employer", {"employer": employer.name, "org": union.name})
    prefix: dict[str, str] = {}
    if labor_relation == LaborRelation.EMPLOYEE and employer is not None:
        prefix = {"employer_without_union": employer.name}
    if station is not None:
        group = _station_union(station)
        if group is not None:
            return Routing(group, "individual", "station", {**prefix, "station": station.name, "org": group.name})
    union = _active(kind=Org.Kind.STREET_UNION, region=street, industry=industry)
    if union is not None:
        return Routing(
            union, "individual", "street_union_industry",
            {**prefix, "street": street.name, "industry": industry, "org": union.name},
        )
    union = _active(kind=Org.Kind.STREET_UNION, region=street)
    if union is not None:
        return Routing(
            union, "individual", "street_union_any",
            {**prefix, "street": street.name, "industry": industry, "org": union.name},
        )
    federation = _active(kind=Org.Kind.STREET_FEDERATION, region=street)
    if federation is not None:
        return Routing(
            federation, "individual", "street_federation", {**prefix, "street": street.name, "org": federation.name}
        )
    raise ValidationError(
        {
            "street_code": [
                ValidationError(
                    _("%(street)s还没有可以接收会员的工会组织，请联系区总工会") % {"street": street.name},
                    code="no_union_for_street",
                )
            ]
        }
    )
