"""Scoped reads of consultations, agreements, notices and reports (core.access decides the scope;
out of scope answers like missing).

Meetings and agreements belong to the org that convened or negotiated them: staff whose scope
holds that org see them. A notice is seen by the sender's scope and by the staff of every org it
was sent to; a report by the scope of the org that sent it (its parent is above it)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gongyou.core.access import AnyUser, get_in_scope, get_or_404, scope_org_ids, scoped, staff_profile
from gongyou.members.models import Membership
from gongyou.voice.models import (
    ActionItem,
    Agreement,
    Department,
    DepartmentTask,
    Meeting,
    Notice,
    NoticeReceipt,
    Report,
)


def meetings_in_scope(user: AnyUser) -> QuerySet[Meeting]:
    return scoped(user, Meeting.objects.select_related("org"))


def meeting_in_scope(user: AnyUser, pk: object) -> Meeting:
    return get_in_scope(user, Meeting.objects.select_related("org"), pk=pk)


def action_items_in_scope(user: AnyUser) -> QuerySet[ActionItem]:
    return scoped(user, ActionItem.objects.select_related("meeting", "meeting__org", "owner"), "meeting__org")


def action_item_in_scope(user: AnyUser, pk: object) -> ActionItem:
    return get_in_scope(
        user, ActionItem.objects.select_related("meeting", "meeting__org", "owner"), "meeting__org", pk=pk
    )


def agreements_in_scope(user: AnyUser) -> QuerySet[Agreement]:
    return scoped(user, Agreement.objects.select_related("org", "region", "region__parent"))


def agreement_in_scope(user: AnyUser, pk: object) -> Agreement:
    return get_in_scope(user, Agreement.objects.select_related("org", "region"), pk=pk)


def own_org_id(user: AnyUser) -> int | None:
    profile = staff_profile(user)
    return profile.org_id if profile is not None else None


def notices_sent_for(user: AnyUser) -> QuerySet[Notice]:
    return scoped(user, Notice.objects.select_related("org"))


def notices_received_for(user: AnyUser) -> QuerySet[Notice]:
    """Notices sent to the user's own org (a superuser belongs to none: nothing)."""
    org_id = own_org_id(user)
    return Notice.objects.select_related("org").filter(receipts__org_id=org_id) if org_id else Notice.objects.none()


def notice_for(user: AnyUser, pk: object) -> Notice:
    ids = scope_org_ids(user)
    qs = Notice.objects.select_related("org")
    if ids is not None:
        received = Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), org_id=own_org_id(user) or 0))
        qs = qs.filter(Q(org__in=ids) | Q(received))
    return get_or_404(qs, pk=pk)


def reports_for(user: AnyUser) -> QuerySet[Report]:
    return scoped(user, Report.objects.select_related("org", "to_org", "attachment"))


def report_for(user: AnyUser, pk: object) -> Report:
    return get_or_404(reports_for(user), pk=pk)


def notices_for_member(membership: Membership) -> QuerySet[Notice]:
    """Notices meant for members that reached the member's org (or were sent by it)."""
    received = Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), org_id=membership.org_id))
    return Notice.objects.select_related("org").filter(Q(org_id=membership.org_id) | Q(received), to_members=True)


def notice_for_member(membership: Membership, pk: object) -> Notice:
    return get_or_404(notices_for_member(membership), pk=pk)


# The departments' task board belongs to the federation that keeps it: its scope sees it (the
# city's admins see every district's board too).


def departments_in_scope(user: AnyUser) -> QuerySet[Department]:
    return scoped(user, Department.objects.select_related("org"))


def department_tasks_in_scope(user: AnyUser) -> QuerySet[DepartmentTask]:
    return scoped(user, DepartmentTask.objects.select_related("department", "department__org"), "department__org")


def department_task_in_scope(user: AnyUser, pk: object) -> DepartmentTask:
    return get_or_404(department_tasks_in_scope(user), pk=pk)
