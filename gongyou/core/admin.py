"""Django admin for superusers: a read-only window onto the data.

Every write in Gongyou goes through a service that checks the rules and writes the audit row;
the admin's generic forms would bypass both (an edited org parent would also leave the scope
closure stale), so here nothing is added, changed or deleted — the console and the management
commands do that. Personal data appears only masked; ciphertexts and lookup hashes never show."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongyou.core.models import AuditLog, Enterprise, Org, Region, StaffProfile, Station


def _is_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Superusers only (also staff users granted model permissions get nothing), view only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "approximate"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "industry", "street", "is_head", "parent", "relation"]
    list_filter = ["industry", "is_head", "relation"]
    list_select_related = ["street", "parent"]
    search_fields = ["name", "uscc"]


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "enterprise", "street"]
    list_select_related = ["enterprise", "street"]
    search_fields = ["code", "name", "enterprise__name"]


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "parent", "second_manager", "enterprise", "status", "founded_on"]
    list_filter = ["kind", "status", "founding_mode", "approval_required"]
    list_select_related = ["region", "parent", "second_manager", "enterprise"]
    search_fields = ["name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "org", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "org"]
    search_fields = ["user__username", "org__name"]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "org"]
    list_filter = ["action", "object_type"]
    list_select_related = ["org"]
    search_fields = ["actor_label", "action", "object_id"]
    date_hierarchy = "at"
