"""Home: the numbers of the staff member's scope that ask for action."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongyou.benefits.queries import people_served_for
from gongyou.console.decorators import console_view
from gongyou.console.views.common import EXACT_COUNT_UP_TO, count_or_estimate
from gongyou.core.access import scope_org_ids, scoped
from gongyou.funds.access import accounts_in_scope
from gongyou.funds.vocab import INFLOW_SOURCES, Source
from gongyou.members.access import founding_tasks_for, memberships_for
from gongyou.members.models import FoundingTask, Membership, Transfer
from gongyou.members.services import at_risk_memberships


def incoming_pending(user: object) -> int:
    ids = scope_org_ids(user)  # type: ignore[arg-type]
    qs = Transfer.objects.filter(status=Transfer.Status.PENDING)
    return (qs if ids is None else qs.filter(to_org__in=ids)).count()


def funding_panel(user: object) -> list[tuple[str, str, int]]:
    """The balances of the scope's own funds by source (not the inflow counterparts, whose
    negative balance is what they brought in): what the staff member's unions may spend."""
    rows = (
        accounts_in_scope(user)  # type: ignore[arg-type]
        .exclude(source__in=INFLOW_SOURCES)
        .exclude(source=Source.EXPENSE)
        .order_by()
        .values_list("source")
        .annotate(total=Sum("balance_fen"))
    )
    totals = dict(rows)
    return [(value, str(label), int(totals[value])) for value, label in Source.choices if value in totals]


def _by_status(user: object) -> dict[str, tuple[int, bool]]:
    """Memberships in scope per status: (count, estimated). A scope of up to
    common.EXACT_COUNT_UP_TO memberships is counted exactly in one GROUP BY; a larger one per
    status, exact up to that bound and PostgreSQL's estimate beyond (shown as "约 N"): the GROUP
    BY over a city's million memberships took longer than the whole page budget (issue 13 part
    7), while the rare statuses that ask for action (applied, transferring) stay exact."""
    scope = memberships_for(user)  # type: ignore[arg-type]
    if scope.order_by()[: EXACT_COUNT_UP_TO + 1].count() <= EXACT_COUNT_UP_TO:
        counts = dict(scope.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        return {value: (counts.get(value, 0), False) for value in Membership.Status.values}
    return {value: count_or_estimate(scope.filter(status=value)) for value in Membership.Status.values}


@console_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    by_status = _by_status(user)
    statuses = [(value, label, *by_status[value]) for value, label in Membership.Status.choices]
    context = {
        "statuses": statuses,
        "member_total": sum(by_status[s][0] for s in Membership.OPEN_STATUSES),
        "member_total_estimated": any(by_status[s][1] for s in Membership.OPEN_STATUSES),
        "applied": by_status[Membership.Status.APPLIED][0],
        "incoming": incoming_pending(user),
        "open_tasks": founding_tasks_for(user).filter(status=FoundingTask.Status.OPEN).count(),
        "at_risk": scoped(user, at_risk_memberships(), "org").count(),
        # People served this year by orgs in scope: distinct persons (SPEC §5, seed §一(二)).
        "served": people_served_for(user, timezone.localdate().replace(month=1, day=1)),
        "funding": funding_panel(user),
    }
    return render(request, "console/home.html", context)
