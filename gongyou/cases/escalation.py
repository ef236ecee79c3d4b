"""Escalating overdue cases (SPEC §6: 逾期上报), run by `manage.py escalate_cases` from cron.

A case that is still open after its deadline moves to the next active org up the territorial
tree, once per overdue period (deadlines.overdue_periods); a run that finds several periods
missed (cron was down) catches up one level per period. The Escalation row's unique
(case, deadline round, period) makes a second run for the same moment, or two runs at once,
change nothing. Both orgs get a line in their inbox. At the top of the tree there is nowhere
further to go: the case stays overdue on the city federation's list."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from gongyou.cases import deadlines
from gongyou.cases.models import Case, CaseAlert, CaseEvent, Escalation
from gongyou.cases.vocab import OPEN_STATUSES, Action, CaseStatus
from gongyou.core import audit
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Org


def next_org_up(org: Org) -> Org | None:
    parent = org.parent
    while parent is not None and parent.status != Org.Status.ACTIVE:
        parent = parent.parent
    return parent


def overdue(now: dt.datetime) -> QuerySet[Case]:
    """Open cases past the deadline of their current stage at `now` (also the coverage
    dashboards' overdue indicator)."""
    return Case.objects.filter(status__in=OPEN_STATUSES, due_at__lte=now)


def overdue_cases(now: dt.datetime) -> list[int]:
    return list(overdue(now).order_by("due_at", "pk").values_list("pk", flat=True))


def escalate_overdue(now: dt.datetime, *, actor: Actor = COMMAND) -> list[Escalation]:
    done: list[Escalation] = []
    for pk in overdue_cases(now):
        done += escalate_case(pk, now, actor=actor)
    return done


@transaction.atomic
def escalate_case(pk: int, now: dt.datetime, *, actor: Actor = COMMAND) -> list[Escalation]:
    # Lock the row alone, then read it (see services.lock_case: a join would hide a moved case).
    Case.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
    case = Case.objects.select_related("assigned_org__parent").get(pk=pk)
    if case.status not in OPEN_STATUSES:
        return []
    periods = deadlines.overdue_periods(case.due_at, now)
    last = Escalation.objects.filter(case=case, deadline_round=case.deadline_round).aggregate(m=Max("period"))["m"] or 0
    stage = _("受理") if case.status == CaseStatus.SUBMITTED else _("办结")
    made: list[Escalation] = []
    for period in range(last + 1, periods + 1):
        from_org = case.assigned_org
        to_org = next_org_up(from_org)
        if to_org is None:
            break
        assert case.due_at is not None
        made.append(
            Escalation.objects.create(
                case=case,
                deadline_round=case.deadline_round,
                period=period,
                from_org=from_org,
                to_org=to_org,
                due_at=case.due_at,
                at=now,
            )
        )
        case.assigned_org = to_org
        case.save(update_fields=["assigned_org"])
        words = _("%(no)s 超过%(stage)s时限（%(due)s），由%(from)s上报%(to)s") % {
            "no": case.case_no,
            "stage": stage,
            "due": f"{case.due_at:%Y-%m-%d %H:%M}",
            "from": from_org.name,
            "to": to_org.name,
        }
        CaseEvent.objects.create(
            case=case,
            at=now,
            action=Action.ESCALATE,
            from_status=case.status,
            to_status=case.status,
            org=to_org,
            actor_label=actor.label[:80],
            note=_("超过%(stage)s时限，已上报%(to)s督办") % {"stage": stage, "to": to_org.name},
        )
        CaseAlert.objects.create(org=to_org, kind=CaseAlert.Kind.ESCALATED_IN, case=case, text=words[:300], created_at=now)
        CaseAlert.objects.create(org=from_org, kind=CaseAlert.Kind.ESCALATED_OUT, case=case, text=words[:300], created_at=now)
        audit.record(
            actor,
            "cases.escalate",
            case,
            before={"assigned_org": from_org.pk},
            after={"assigned_org": to_org.pk, "period": period, "deadline_round": case.deadline_round},
            org=to_org,
            related_org=from_org,
        )
    return made
