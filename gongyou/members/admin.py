"""Read-only admin for people, memberships, transfers, founding tasks and rosters (see core.admin).
Identity numbers and phones show masked; a full value is only ever revealed, with a reason and
an audit row, in the console."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from gongyou.core import crypto
from gongyou.core.admin import ReadOnlyAdmin, ReadOnlyInline
from gongyou.core.validators import validate_id_number, validate_mobile
from gongyou.members.models import FoundingTask, Membership, MembershipEvent, Person, RosterEntry, Transfer


def _hash_search(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    """Full ID numbers and phones are searchable through their keyed hashes, never stored plain."""
    try:
        return queryset.filter(id_hash__in=crypto.id_hashes(validate_id_number(term).number))
    except ValidationError:
        pass
    try:
        return queryset.filter(phone_hash__in=crypto.phone_hashes(validate_mobile(term)))
    except ValidationError:
        return queryset.none()


class HashSearchMixin:
    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        if search_term.strip():
            results = results | _hash_search(queryset, search_term.strip())
        return results, may_have_duplicates


class MembershipInline(ReadOnlyInline):
    model = Membership
    shown = ("member_no", "org", "status", "mode", "channel", "joined_at", "ended_at")
    fields = readonly_fields = shown


@admin.register(Person)
class PersonAdmin(HashSearchMixin, ReadOnlyAdmin):
    list_display = ["name", "id_masked", "phone_masked", "labor_relation", "industry", "employer", "work_street"]
    list_filter = ["labor_relation", "industry"]
    list_select_related = ["employer", "work_street"]
    search_fields = ["name"]
    shown = (
        "name", "id_masked", "phone_masked", "birth_date", "sex", "labor_relation", "industry",
        "employer", "platforms", "station", "work_street", "created_at", "updated_at", "anonymised_at",
    )
    fields = readonly_fields = shown
    inlines = [MembershipInline]


class EventInline(ReadOnlyInline):
    model = MembershipEvent
    shown = ("at", "kind", "from_status", "to_status", "from_org", "to_org", "actor_label", "note")
    fields = readonly_fields = shown
    show_change_link = False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["member_no", "person", "org", "status", "mode", "channel", "via_enterprise", "joined_at"]
    list_filter = ["status", "mode", "channel"]
    list_select_related = ["person", "org", "via_enterprise"]
    search_fields = ["member_no", "person__name"]
    inlines = [EventInline]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["membership", "from_org", "to_org", "status", "initiator", "requested_at", "auto_accept_at", "decided_at"]
    list_filter = ["status", "initiator"]
    list_select_related = ["membership", "from_org", "to_org"]
    search_fields = ["membership__member_no"]


@admin.register(FoundingTask)
class FoundingTaskAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "federation", "status", "member_count", "opened_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["enterprise", "federation"]


@admin.register(RosterEntry)
class RosterEntryAdmin(HashSearchMixin, ReadOnlyAdmin):
    list_display = ["enterprise", "external_id", "name", "id_masked", "phone_masked", "street", "active", "last_seen_at"]
    list_filter = ["active", "industry", "labor_relation"]
    list_select_related = ["enterprise", "street"]
    search_fields = ["external_id", "name"]
    shown = (
        "enterprise", "external_id", "name", "id_masked", "phone_masked", "street", "station",
        "labor_relation", "industry", "active", "first_seen_at", "last_seen_at", "updated_at",
    )
    fields = readonly_fields = shown
