"""Scope: which orgs, and so which objects, a staff user may see.

An org's scope is its territorial subtree plus every org it manages through dual management
(and their subtrees); OrgReach holds that closure, so this module is the one place that turns a
user into a filter. Out-of-scope objects are reported exactly like missing ones (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gongyou.core.models import AuditLog, Org, OrgReach, StaffProfile

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
        return OrgReach.objects.none()
    return OrgReach.objects.filter(ancestor_id=profile.org_id).values("descendant_id")


def scoped(user: AnyUser, queryset: models.QuerySet[M], org_field: str = "org") -> models.QuerySet[M]:
    """Filter any queryset to the user's scope through the path to its org (e.g. "membership__org")."""
    ids = scope_org_ids(user)
    if ids is None:
        return queryset
    lookup = "id__in" if org_field == "" else f"{org_field}__in"
    return queryset.filter(**{lookup: ids})


def orgs_in_scope(user: AnyUser) -> models.QuerySet[Org]:
    return scoped(user, Org.objects.all(), org_field="")


def get_in_scope(user: AnyUser, queryset: models.QuerySet[M], org_field: str = "org", **lookup: object) -> M:
    try:
        return scoped(user, queryset, org_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:  # type: ignore[attr-defined]
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
