"""The joining rule: which union a joining worker belongs to (SPEC §3, seed §二(一)2–3).

This is the only place the rule lives; every channel (QR/online form, staff entry, partner API,
Excel import) and every transfer proposal asks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.utils.translation import gettext as _

from gongyou.core.choices import Industry, LaborRelation, record_language
from gongyou.core.models import Enterprise, Org, Region, Station


@dataclass(frozen=True)
class Routing:
    union: Org
    mode: str  # Membership.Mode value: "employer" or "individual"
    reason: str


def _active(**filters: object) -> Org | None:
    return Org.objects.filter(status=Org.Status.ACTIVE, **filters).order_by("id").first()


def _station_union(station: Station, **filters: object) -> Org | None:
    # A station branch union is preferred over a union group at the same station.
    return (
        Org.objects.filter(
            status=Org.Status.ACTIVE, station=station, kind__in=Org.STATION_KINDS, **filters
        )
        .order_by(Case(When(kind=Org.Kind.STATION_UNION, then=0), default=1), "id")
        .first()
    )


def resolve_union(**kwargs: Any) -> Routing:
    with record_language():
        return _resolve_union(**kwargs)


def _resolve_union(
    *,
    street: Region,
    industry: str,
    labor_relation: str,
    employer: Enterprise | None,
    station: Station | None,
) -> Routing:
    """1. A worker with a labour relation whose employer has a union joins it — or the station
    branch union/union group under it at the worker's station (seed §二(一)3 应加入所在单位工会).
    2. Otherwise individual join by locality and industry (属地和行业就近): the station's branch
    union/group; else the street union of the worker's street in the worker's industry; else any
    street union of that street; else the street federation itself (兜底)."""
    industry_label = Industry(industry).label if industry in Industry.values else industry
    if labor_relation == LaborRelation.EMPLOYEE and employer is not None:
        union = employer.active_union()
        if union is not None:
            if station is not None:
                group = _station_union(station, second_manager=union)
                if group is not None:
                    return Routing(
                        group,
                        "employer",
                        _("与%(employer)s建立劳动关系且单位已建会，加入单位工会在%(station)s的%(org)s")
                        % {"employer": employer.name, "station": station.name, "org": group.name},
                    )
            return Routing(
                union,
                "employer",
                _("与%(employer)s建立劳动关系且单位已建会，加入单位工会%(org)s")
                % {"employer": employer.name, "org": union.name},
            )
    if labor_relation == LaborRelation.EMPLOYEE and employer is not None:
        prefix = _("用工单位%(employer)s尚未建会，") % {"employer": employer.name}
    else:
        prefix = ""
    if station is not None:
        group = _station_union(station)
        if group is not None:
            return Routing(
                group,
                "individual",
                prefix
                + _("按属地和行业就近原则个体入会，加入所在站点%(station)s的%(org)s")
                % {"station": station.name, "org": group.name},
            )
    union = _active(kind=Org.Kind.STREET_UNION, region=street, industry=industry)
    if union is not None:
        return Routing(
            union,
            "individual",
            prefix
            + _("按属地和行业就近原则个体入会，加入%(street)s的%(industry)s行业“小二级”工会%(org)s")
            % {"street": street.name, "industry": industry_label, "org": union.name},
        )
    union = _active(kind=Org.Kind.STREET_UNION, region=street)
    if union is not None:
        return Routing(
            union,
            "individual",
            prefix
            + _("%(street)s没有%(industry)s行业的“小二级”工会，按属地原则加入%(org)s")
            % {"street": street.name, "industry": industry_label, "org": union.name},
        )
    federation = _active(kind=Org.Kind.STREET_FEDERATION, region=street)
    if federation is not None:
        return Routing(
            federation,
            "individual",
            prefix
            + _("%(street)s尚无“小二级”工会，由街镇总工会%(org)s兜底接收")
            % {"street": street.name, "org": federation.name},
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
