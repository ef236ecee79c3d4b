"""Who may use the insight tools, and the scoped reads they see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongyou.core.access import TERRITORIAL, AnyUser, get_or_404, staff_profile
from gongyou.core.models import Org, Region
from gongyou.insight.models import RegistryImport, Target
from gongyou.insight.queries import Area

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


def scope_area(user: AnyUser) -> Area:
    """The area whose figures a staff user sees: their territorial office's region (the city, a
    district, a street); nothing for non-territorial unions and for non-staff."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return Area()
    profile = staff_profile(user)
    if profile is None or profile.org.kind not in TERRITORIAL:
        return Area(nothing=True)
    region = profile.org.region
    if region.level == Region.Level.DISTRICT:
        return Area(district=region.code)
    if region.level == Region.Level.STREET:
        return Area(district=region.code[:6], street=region.code)
    return Area()


def regions_in_area(area: Area) -> QuerySet[Region]:
    """The districts and streets inside an area (itself included)."""
    qs = Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.STREET])
    if area.nothing:
        return qs.none()
    if area.street:
        return qs.filter(code=area.street)
    if area.district:
        return qs.filter(code__startswith=area.district)
    return qs


def area_for(user: AnyUser, code: str | None) -> Area:
    """The area of a district (6 digits) or street (9 digits) code within the user's scope; the
    whole scope when no code. Unknown and out-of-scope codes are the same 404."""
    scope = scope_area(user)
    if not code:
        return scope
    region = get_or_404(regions_in_area(scope), code=code)
    if region.level == Region.Level.DISTRICT:
        return Area(district=region.code)
    return Area(district=region.code[:6], street=region.code)


def can_set_targets(user: AnyUser) -> bool:
    """City federation staff set district targets, district federation staff their streets'."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return True
    profile = staff_profile(user)
    return (
        profile is not None
        and profile.can_write
        and profile.org.kind in (Org.Kind.CITY_FEDERATION, Org.Kind.DISTRICT_FEDERATION)
    )


def target_regions(user: AnyUser) -> QuerySet[Region]:
    """The regions a user may set targets for: the districts (city), the streets of their
    district (district federation); none otherwise."""
    if not can_set_targets(user):
        return Region.objects.none()
    scope = scope_area(user)
    if scope.level == "city":
        return Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    if scope.level == "district":
        return Region.objects.filter(level=Region.Level.STREET, parent__code=scope.district).order_by("code")
    return Region.objects.none()


def targets_for(user: AnyUser) -> QuerySet[Target]:
    """Targets of regions inside the user's area (their own region's target included)."""
    scope = scope_area(user)
    qs = Target.objects.select_related("region", "set_by")
    if scope.nothing:
        return qs.none()
    if scope.street:
        return qs.filter(region__code=scope.street)
    if scope.district:
        return qs.filter(region__code__startswith=scope.district)
    return qs
