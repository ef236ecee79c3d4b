"""Scope: which orgs, streets, enterprises and stations, and so which objects, a staff user may see.

An org's scope is its territorial subtree plus every org it manages through dual management
(and their subtrees); OrgReach holds that closure. Streets, enterprises and stations are not orgs:
a territorial office (city, district, street federation, street/joint union, industry federation)
sees those of its region, and any union sees the enterprises and stations its scoped orgs belong
to. This module is the one place that turns a user into a filter; the console, the positions
registry and the QR downloads all ask it. Out-of-scope objects are reported exactly like missing
ones (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from gongyou.core.models import (
    AuditLog,
    BackgroundJob,
    Enterprise,
    Org,
    OrgReach,
    Region,
    StaffProfile,
    StaffToken,
    Station,
)

M = TypeVar("M", bound=models.Model)

AnyUser = AbstractBaseUser | AnonymousUser


def staff_profile(user: AnyUser) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff_profile  # type: ignore[union-attr,attr-defined,no-any-return]
    except StaffProfile.DoesNotExist:
        return None


def scope_org_ids(user: AnyUser) -> models.QuerySet[OrgReach, Any] | None:
    """A subquery of org ids in the user's scope; None means the whole city (superuser)."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return None
    profile = staff_profile(user)
    if profile is None:
        # Still a one-column subquery: `org__in=` refuses a bare OrgReach queryset.
        return OrgReach.objects.none().values("descendant_id")
    return OrgReach.objects.filter(ancestor_id=profile.org_id).values("descendant_id")


def scoped(
    user: AnyUser, queryset: models.QuerySet[M], org_field: str = "org", *, listed_up_to: int = 0
) -> models.QuerySet[M]:
    """Filter any queryset to the user's scope through the path to its org (e.g. "membership__org").

    `listed_up_to`: when the scope has at most that many orgs, filter by their ids written out
    (one extra query) instead of the subquery. PostgreSQL then estimates the scope's rows from the
    column's statistics; behind a subquery it guesses, and at a million memberships a street's
    filtered list was planned as a walk of the whole table (issue 13 part 7)."""
    ids = scope_org_ids(user)
    if ids is None:
        return queryset
    lookup = "id__in" if org_field == "" else f"{org_field}__in"
    if listed_up_to:
        listed = list(ids.values_list("descendant_id", flat=True)[: listed_up_to + 1])
        if len(listed) <= listed_up_to:
            return queryset.filter(**{lookup: listed})
    return queryset.filter(**{lookup: ids})


def orgs_in_scope(user: AnyUser) -> models.QuerySet[Org]:
    return scoped(user, Org.objects.all(), org_field="")


def get_or_404(queryset: models.QuerySet[M], **lookup: object) -> M:
    """One object of a public read; missing (or a malformed key) is a 404 like an out-of-scope one."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def get_in_scope(user: AnyUser, queryset: models.QuerySet[M], org_field: str = "org", **lookup: object) -> M:
    try:
        return scoped(user, queryset, org_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def root_org(user: AnyUser) -> Org | None:
    """Where the user's tree starts: their own org, or the city federation for a superuser."""
    profile = staff_profile(user)
    if profile is not None:
        return profile.org
    return Org.objects.filter(parent__isnull=True).order_by("id").first()


def active_orgs_in_scope(user: AnyUser) -> models.QuerySet[Org]:
    return orgs_in_scope(user).filter(status=Org.Status.ACTIVE)


TERRITORIAL = (
    Org.Kind.CITY_FEDERATION,
    Org.Kind.DISTRICT_FEDERATION,
    Org.Kind.STREET_FEDERATION,
    Org.Kind.STREET_UNION,
    Org.Kind.JOINT_UNION,
    Org.Kind.INDUSTRY_FEDERATION,
)


def _territory(user: AnyUser, street: str) -> Q | None:
    """The user's territory as a filter on the field `street` (a street Region), or on the streets
    themselves when `street` is ""; None means no limit (the whole city)."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return None
    profile = staff_profile(user)
    if profile is None or profile.org.kind not in TERRITORIAL:
        return Q(pk__in=[])
    region = profile.org.region
    if region.level == Region.Level.CITY:
        return None
    if region.level == Region.Level.DISTRICT:
        return Q(**{f"{street}__parent" if street else "parent": region})
    return Q(**{street: region}) if street else Q(pk=region.pk)


def streets_in_scope(user: AnyUser) -> models.QuerySet[Region]:
    """Streets the user looks after (coverage, street points): their office's territory."""
    streets = Region.objects.filter(level=Region.Level.STREET).select_related("parent")
    territory = _territory(user, "")
    return streets if territory is None else streets.filter(territory)


def enterprise_territory(user: AnyUser) -> Q | None:
    """Enterprises registered in the user's territory: a street federation's street, a district
    federation's district (street known or not — a registry row may name only the district), the
    city all (None). Non-territorial unions have no territory (nothing)."""
    territory = _territory(user, "street")
    if territory is None:
        return None
    profile = staff_profile(user)
    if profile is not None and profile.org.region.level == Region.Level.DISTRICT:
        return Q(district=profile.org.region)
    return territory


def enterprises_in_scope(user: AnyUser) -> models.QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("street", "street__parent", "district")
    ids = scope_org_ids(user)
    territory = enterprise_territory(user)
    if ids is None or territory is None:
        return qs
    attached = Q(Exists(Org.objects.filter(enterprise=OuterRef("pk"), id__in=ids)))
    return qs.filter(territory | attached)


def stations_in_scope(user: AnyUser) -> models.QuerySet[Station]:
    qs = Station.objects.select_related("enterprise", "street", "street__parent")
    ids = scope_org_ids(user)
    territory = _territory(user, "street")
    if ids is None or territory is None:
        return qs
    own = Q(Exists(Org.objects.filter(station=OuterRef("pk"), id__in=ids)))
    by_enterprise = Q(Exists(Org.objects.filter(enterprise=OuterRef("enterprise"), id__in=ids)))
    return qs.filter(territory | own | by_enterprise)


def station_in_scope(user: AnyUser, pk: int) -> Station:
    try:
        return stations_in_scope(user).get(pk=pk)
    except (Station.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def org_in_scope(user: AnyUser, org: Org) -> bool:
    ids = scope_org_ids(user)
    return ids is None or ids.filter(descendant_id=org.pk).exists()


def require_write(user: AnyUser) -> None:
    """Viewers read; only admins and officers change things (403, since they can see it)."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return
    profile = staff_profile(user)
    if profile is None or not profile.can_write:
        raise PermissionDenied(_("只读账号只能查看，不能修改。"))


def audit_entries_for(user: AnyUser) -> models.QuerySet[AuditLog]:
    """Audit rows filed under an org in scope, or naming one as the other side of the act."""
    qs = AuditLog.objects.select_related("actor", "org")
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(org__in=ids) | Q(related_org__in=ids))


def orgs_above_ids(user: AnyUser) -> models.QuerySet[OrgReach, Any] | None:
    """A subquery of the orgs whose scope holds the user's org (itself included): things those
    orgs run for everyone below them (campaigns, plans) reach this user. None = superuser."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return None
    profile = staff_profile(user)
    if profile is None:
        return OrgReach.objects.none()
    return OrgReach.objects.filter(descendant_id=profile.org_id).values("ancestor_id")


def staff_tokens_for(user: AnyUser) -> models.QuerySet[StaffToken]:
    """Staff API tokens a user may see and revoke: their own; an admin also those of every
    staff account in their scope."""
    qs = StaffToken.objects.select_related("user", "user__staff_profile__org")
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return qs
    profile = staff_profile(user)
    if profile is None:
        return qs.none()
    own = Q(user_id=user.pk)
    if profile.role != StaffProfile.Role.ADMIN:
        return qs.filter(own)
    return qs.filter(own | Q(user__staff_profile__org__in=scope_org_ids(user)))


def staff_accounts_for(user: AnyUser) -> models.QuerySet[StaffProfile]:
    """Staff accounts a user may manage: an admin those of their own org and the orgs in its
    scope (their own included, for reading); everyone else none."""
    qs = StaffProfile.objects.select_related("user", "org")
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return qs
    profile = staff_profile(user)
    if profile is None or profile.role != StaffProfile.Role.ADMIN:
        return qs.none()
    return scoped(user, qs)


def jobs_for(user: AnyUser) -> models.QuerySet[BackgroundJob]:
    """Background jobs an admin oversees (their errors may quote an upload's rows): those started
    by staff of an org in the admin's scope; jobs nobody in an org started — the schedule's
    city-wide work, a superuser's — only for the whole city's admins."""
    jobs = BackgroundJob.objects.all()
    ids = scope_org_ids(user)
    if ids is None:
        return jobs
    started_in_scope = Q(created_by__staff_profile__org__in=ids)
    profile = staff_profile(user)
    if profile is not None and profile.org.kind == Org.Kind.CITY_FEDERATION:
        return jobs.filter(started_in_scope | Q(created_by__isnull=True) | Q(created_by__staff_profile__isnull=True))
    return jobs.filter(started_in_scope)
