"""Console-specific scope rules on top of gongyou.core.access.

Enterprises and stations are not orgs, so they have no OrgReach row. A territorial office
(city, district, street federation, street/joint union, industry federation) sees the enterprises
registered in its territory; any other union sees the enterprises its scoped orgs belong to.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongyou.core.access import AnyUser, orgs_in_scope, scope_org_ids, staff_profile
from gongyou.core.models import Enterprise, Org, Region, Station

TERRITORIAL = (
    Org.Kind.CITY_FEDERATION,
    Org.Kind.DISTRICT_FEDERATION,
    Org.Kind.STREET_FEDERATION,
    Org.Kind.STREET_UNION,
    Org.Kind.JOINT_UNION,
    Org.Kind.INDUSTRY_FEDERATION,
)


def root_org(user: AnyUser) -> Org | None:
    """Where the user's tree starts: their own org, or the city federation for a superuser."""
    profile = staff_profile(user)
    if profile is not None:
        return profile.org
    return Org.objects.filter(parent__isnull=True).order_by("id").first()


def _street_filter(user: AnyUser, prefix: str) -> Q | None:
    """None = no territorial limit (whole city); otherwise a filter on `<prefix>street`."""
    profile = staff_profile(user)
    if profile is None:
        return None
    org = profile.org
    if org.kind not in TERRITORIAL:
        return Q(pk__in=[])
    region = org.region
    if region.level == Region.Level.CITY:
        return None
    if region.level == Region.Level.DISTRICT:
        return Q(**{f"{prefix}street__parent": region})
    return Q(**{f"{prefix}street": region})


def enterprises_for(user: AnyUser) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("street", "street__parent")
    ids = scope_org_ids(user)
    territorial = _street_filter(user, "")
    if ids is None or territorial is None:
        return qs
    attached = Q(Exists(Org.objects.filter(enterprise=OuterRef("pk"), id__in=ids)))
    return qs.filter(territorial | attached)


def stations_for(user: AnyUser) -> QuerySet[Station]:
    qs = Station.objects.select_related("enterprise", "street", "street__parent")
    ids = scope_org_ids(user)
    territorial = _street_filter(user, "")
    if ids is None or territorial is None:
        return qs
    own = Q(Exists(Org.objects.filter(station=OuterRef("pk"), id__in=ids)))
    by_enterprise = Q(Exists(Org.objects.filter(enterprise=OuterRef("enterprise"), id__in=ids)))
    return qs.filter(territorial | own | by_enterprise)


def active_orgs_in_scope(user: AnyUser) -> QuerySet[Org]:
    return orgs_in_scope(user).filter(status=Org.Status.ACTIVE)
