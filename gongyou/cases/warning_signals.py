"""Raising early warnings when a case comes in (预防预警, seed Annex 3 §三3).

Two signals: a case that is yellow or red by itself (workers involved, amount, collective
action: gongyou/cases/early_warning.py), and a cluster — WARNING_CLUSTER_CASES opinions or
complaints about one station (or, without a station, one enterprise) and one topic within
WARNING_CLUSTER_DAYS — each small, together a pattern the street federation should see. A
cluster is one open warning: later cases about the same thing join it instead of raising more.
Topic "other" never clusters: it says nothing about what the cases share."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from gongyou.cases.models import Case, CaseAlert, Warning
from gongyou.cases.vocab import CaseType, Topic, WarningKind, WarningLevel, WarningStatus
from gongyou.core.models import Enterprise, Org, Station

CLUSTER_TYPES = (CaseType.OPINION, CaseType.COMPLAINT)


def _federation(case: Case) -> Org:
    """The street federation of the place the case concerns, else the org that has the case."""
    if case.street_id is not None:
        federation = (
            Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region_id=case.street_id, status=Org.Status.ACTIVE)
            .order_by("id")
            .first()
        )
        if federation is not None:
            return federation
    return case.assigned_org


def _alert(org: Org, warning: Warning, text: str, at: dt.datetime) -> None:
    CaseAlert.objects.create(org=org, kind=CaseAlert.Kind.WARNING, text=text[:300], created_at=at, warning=warning)


def raise_warnings(case: Case, *, at: dt.datetime) -> list[Warning]:
    """Called by submit_case inside its transaction."""
    raised: list[Warning] = []
    if case.warning_level != WarningLevel.GREEN:
        org = _federation(case)
        warning = Warning.objects.create(
            kind=WarningKind.CASE,
            level=case.warning_level,
            org=org,
            case=case,
            enterprise=case.enterprise,
            station=case.station,
            topic=case.topic,
            summary=_("%(level)s预警：%(title)s（%(workers)d 人，%(yuan)s 元%(collective)s）")
            % {
                "level": WarningLevel(case.warning_level).label,
                "title": case.title,
                "workers": case.workers_involved,
                "yuan": f"{case.amount_fen / 100:,.0f}",
                "collective": _("，有群体性行为") if case.collective_action else "",
            },
            raised_at=at,
        )
        warning.cases.add(case)
        _alert(org, warning, warning.summary, at)
        raised.append(warning)
    cluster = _cluster(case, at)
    if cluster is not None:
        raised.append(cluster)
    return raised


def _cluster(case: Case, at: dt.datetime) -> Warning | None:
    if case.type not in CLUSTER_TYPES or case.topic == Topic.OTHER:
        return None
    if case.station_id is not None:
        # Lock the place so two cases arriving together cannot both open a warning.
        Station.objects.select_for_update().filter(pk=case.station_id).first()
        place = Q(station_id=case.station_id)
    elif case.enterprise_id is not None:
        Enterprise.objects.select_for_update().filter(pk=case.enterprise_id).first()
        place = Q(enterprise_id=case.enterprise_id, station__isnull=True)
    else:
        return None
    since = at - dt.timedelta(days=int(settings.GONGYOU["WARNING_CLUSTER_DAYS"]))
    open_warning = (
        Warning.objects.filter(place, kind=WarningKind.CLUSTER, topic=case.topic, status=WarningStatus.OPEN, raised_at__gte=since)
        .order_by("-raised_at")
        .first()
    )
    if open_warning is not None:
        open_warning.cases.add(case)
        return open_warning
    similar = list(
        Case.objects.filter(place, type__in=CLUSTER_TYPES, topic=case.topic, submitted_at__gte=since, submitted_at__lte=at)
        .order_by("submitted_at")
    )
    if len(similar) < int(settings.GONGYOU["WARNING_CLUSTER_CASES"]):
        return None
    org = _federation(case)
    where = case.station.name if case.station is not None else (case.enterprise.name if case.enterprise else "")
    warning = Warning.objects.create(
        kind=WarningKind.CLUSTER,
        level=WarningLevel.YELLOW,
        org=org,
        enterprise=case.enterprise,
        station=case.station,
        topic=case.topic,
        summary=_("集中反映：%(days)d 天内 %(count)d 件关于%(place)s“%(topic)s”的意见和投诉")
        % {
            "days": settings.GONGYOU["WARNING_CLUSTER_DAYS"],
            "count": len(similar),
            "place": where,
            "topic": Topic(case.topic).label,
        },
        raised_at=at,
        window_from=similar[0].submitted_at,
    )
    warning.cases.add(*similar)
    _alert(org, warning, warning.summary, at)
    return warning
