"""Who may use the insight tools, and the scoped reads they see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongyou.core.access import AnyUser, staff_profile
from gongyou.core.models import Org
from gongyou.insight.models import RegistryImport

# A registry extract covers a whole district or the city: only those federations load one.
REGISTRY_KINDS = (Org.Kind.CITY_FEDERATION, Org.Kind.DISTRICT_FEDERATION)


def can_import_registry(user: AnyUser) -> bool:
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return True
    profile = staff_profile(user)
    return profile is not None and profile.can_write and profile.org.kind in REGISTRY_KINDS


def require_registry_import(user: AnyUser) -> None:
    if not can_import_registry(user):
        raise PermissionDenied(_("只有区总工会和市总工会的工作人员可以导入市场主体登记信息。"))


def registry_imports_for(user: AnyUser) -> QuerySet[RegistryImport]:
    """Each uploader sees their own imports (a superuser all)."""
    qs = RegistryImport.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(created_by_id=user.pk)
