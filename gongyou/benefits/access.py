"""Scoped reads of campaigns, hand-outs, appointments, insurance and service events for staff,
built on core.access: "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from gongyou.benefits.models import (
    Appointment,
    AppointmentSlot,
    Campaign,
    Claim,
    Enrolment,
    Incident,
    IncidentPhoto,
    InsurancePlan,
    ServiceEvent,
)
from gongyou.core.access import AnyUser, get_or_404, orgs_above_ids, scope_org_ids, scoped, staff_profile
from gongyou.core.models import StaffProfile


def _reaching(user: AnyUser, prefix: str = "org") -> Q | None:
    """Organised by the user's org, an org above it, or an org in the user's scope."""
    below, above = scope_org_ids(user), orgs_above_ids(user)
    if below is None or above is None:
        return None
    return Q(**{f"{prefix}__in": below}) | Q(**{f"{prefix}__in": above})


def campaigns_for(user: AnyUser) -> QuerySet[Campaign]:
    """The campaigns a staff user may see and hand out, with their hand-out counts."""
    qs = Campaign.objects.select_related("org").annotate(handed_out=Count("claims"))
    q = _reaching(user)
    return qs if q is None else qs.filter(q)


def campaign_for(user: AnyUser, pk: int | str) -> Campaign:
    return get_or_404(campaigns_for(user), pk=pk)


def claims_for(user: AnyUser) -> QuerySet[Claim]:
    """Hand-outs recorded by an org in scope, or of a campaign organised in scope."""
    qs = Claim.objects.select_related("campaign", "membership", "person", "org", "position")
    ids = scope_org_ids(user)
    return qs if ids is None else qs.filter(Q(org__in=ids) | Q(campaign__org__in=ids))


def slots_for(user: AnyUser) -> QuerySet[AppointmentSlot]:
    return scoped(user, AppointmentSlot.objects.select_related("org", "position"), "org")


def appointments_for(user: AnyUser) -> QuerySet[Appointment]:
    return scoped(user, Appointment.objects.select_related("slot", "membership", "person"), "slot__org")


def plans_for(user: AnyUser) -> QuerySet[InsurancePlan]:
    q = _reaching(user)
    return InsurancePlan.objects.all() if q is None else InsurancePlan.objects.filter(q)


def enrolments_for(user: AnyUser) -> QuerySet[Enrolment]:
    """Enrolments of members in scope, or under a plan organised in scope."""
    qs = Enrolment.objects.select_related("plan", "membership", "person", "platform")
    ids = scope_org_ids(user)
    return qs if ids is None else qs.filter(Q(membership__org__in=ids) | Q(plan__org__in=ids))


def events_for(user: AnyUser) -> QuerySet[ServiceEvent]:
    return scoped(user, ServiceEvent.objects.all(), "org")


def require_admin(user: AnyUser) -> None:
    """Revealing full ID numbers (the insurer's full list) is for admins only (SPEC §9)."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return
    profile = staff_profile(user)
    if profile is None or profile.role != StaffProfile.Role.ADMIN:
        raise PermissionDenied


def incidents_for(user: AnyUser) -> QuerySet[Incident]:
    """Incident reports on enrolments the user may see (enrolments_for)."""
    return Incident.objects.select_related("enrolment__plan", "enrolment__membership", "enrolment__person").filter(
        enrolment__in=enrolments_for(user).values("pk")
    )


def incident_photo_for(user: AnyUser, incident_pk: int, pk: int) -> IncidentPhoto:
    """One photo of an incident the user may see; missing and out of scope are the same 404."""
    qs = IncidentPhoto.objects.select_related(
        "incident__enrolment__membership__org", "incident__enrolment__plan__org"
    ).filter(incident__in=incidents_for(user).values("pk"))
    return get_or_404(qs, pk=pk, incident_id=incident_pk)
