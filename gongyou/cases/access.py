"""Scoped reads of cases (core.access decides the scope; out of scope answers like missing).

Staff see a case assigned to an org in their scope, or first assigned there (an escalated case
stays visible to the union it came from). A worker sees only their own cases: a member those of
their person, someone who is not a member those sent from the phone they verified."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongyou.cases.models import Case, CaseAlert, HardshipRelief, LegalCheckup, Referral, Warning
from gongyou.cases.numbers import is_valid_case_no
from gongyou.core import crypto
from gongyou.core.access import AnyUser, get_or_404, scope_org_ids, scoped, staff_profile
from gongyou.members.models import Person

CASE_RELATED = ("assigned_org", "origin_org", "enterprise", "station", "street", "membership", "person")


def cases_in_scope(user: AnyUser) -> QuerySet[Case]:
    qs = Case.objects.select_related(*CASE_RELATED)
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(assigned_org__in=ids) | Q(origin_org__in=ids))


def case_in_scope(user: AnyUser, case_no: str) -> Case:
    number = (case_no or "").strip().upper()
    if not is_valid_case_no(number):
        return get_or_404(Case.objects.none(), pk=0)
    return get_or_404(cases_in_scope(user), case_no=number)


def cases_of_person(person: Person) -> QuerySet[Case]:
    return Case.objects.select_related("assigned_org").filter(person=person)


def cases_of_phone(phone: str) -> QuerySet[Case]:
    """Cases sent by someone who is not a member, found by the keyed hash of the verified phone."""
    return Case.objects.select_related("assigned_org").filter(contact_phone_hash__in=crypto.phone_hashes(phone))


def worker_case(cases: QuerySet[Case], case_no: str) -> Case:
    return get_or_404(cases, case_no=(case_no or "").strip().upper())


def warnings_in_scope(user: AnyUser) -> QuerySet[Warning]:
    return scoped(user, Warning.objects.select_related("org", "case", "enterprise", "station"))


def warning_in_scope(user: AnyUser, pk: object) -> Warning:
    return get_or_404(warnings_in_scope(user), pk=pk)


def referrals_in_scope(user: AnyUser) -> QuerySet[Referral]:
    qs = Referral.objects.select_related("case", "org")
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(case__assigned_org__in=ids) | Q(case__origin_org__in=ids))


def referral_in_scope(user: AnyUser, pk: object) -> Referral:
    return get_or_404(referrals_in_scope(user), pk=pk)


def hardship_in_scope(user: AnyUser) -> QuerySet[HardshipRelief]:
    qs = HardshipRelief.objects.select_related("case", "case__assigned_org")
    ids = scope_org_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(case__assigned_org__in=ids) | Q(case__origin_org__in=ids))


def checkups_in_scope(user: AnyUser) -> QuerySet[LegalCheckup]:
    return scoped(user, LegalCheckup.objects.select_related("enterprise", "org"))


def checkup_in_scope(user: AnyUser, pk: object) -> LegalCheckup:
    return get_or_404(checkups_in_scope(user), pk=pk)


def alerts_for(user: AnyUser) -> QuerySet[CaseAlert]:
    """The inbox of the user's own org (a superuser: every org's)."""
    qs = CaseAlert.objects.select_related("org", "case", "warning")
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return qs
    profile = staff_profile(user)
    if profile is None:
        return qs.none()
    return qs.filter(org_id=profile.org_id)
