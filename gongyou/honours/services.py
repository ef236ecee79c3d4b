"""Holding competitions, recording results, nominating for honours and deciding them; each in one
transaction with its audit row."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.honours.errors import Refused
from gongyou.honours.inputs import CleanCompetition, CleanNomination
from gongyou.honours.models import Competition, CompetitionResult, Nomination
from gongyou.honours.vocab import NominationStatus
from gongyou.members.models import Membership


@transaction.atomic
def create_competition(org: Org, data: CleanCompetition, *, actor: Actor) -> Competition:
    competition = Competition.objects.create(
        org=org, title=data.title, industry=data.industry, held_on=data.held_on, place=data.place,
        description=data.description,
    )  # fmt: skip
    audit.record(
        actor, "honours.create_competition", competition, after={"title": data.title, "held_on": str(data.held_on)}, org=org
    )
    return competition


@transaction.atomic
def record_result(competition: Competition, membership: Membership, award: str, *, actor: Actor) -> CompetitionResult:
    """A member's place or award in a competition; once per member (the caller found the member
    in the actor's scope)."""
    award = award.strip()
    if not award or len(award) > 60:
        raise Refused("bad_award", _("请填写名次或奖项（不超过 60 个字）"), field="award")
    try:
        with transaction.atomic():
            result = CompetitionResult.objects.create(competition=competition, membership=membership, award=award)
    except IntegrityError:
        raise Refused("already_recorded", _("这名会员的成绩已经登记过"), field="member_no", conflict=True) from None
    audit.record(
        actor, "honours.record_result", competition,
        after={"member_no": membership.member_no, "award": award}, org=competition.org,
    )  # fmt: skip
    return result


@transaction.atomic
def nominate(org: Org, data: CleanNomination, membership: Membership | None, *, actor: Actor) -> Nomination:
    """Put a member (the caller found them in the actor's scope) or a team forward for an honour."""
    industry = membership.person.industry if membership is not None else data.industry
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                org=org, kind=data.kind, year=data.year, membership=membership, team=data.team, industry=industry,
                citation=data.citation,
            )  # fmt: skip
    except IntegrityError:
        raise Refused(
            "already_nominated", _("这名会员已被推荐过本年度的这项荣誉"), field="member_no", conflict=True
        ) from None
    audit.record(
        actor, "honours.nominate", nomination,
        after={"kind": data.kind, "year": data.year, "member_no": membership.member_no if membership else "", "team": data.team},
        org=org,
    )  # fmt: skip
    return nomination


@transaction.atomic
def decide_nomination(nomination: Nomination, awarded: bool, *, on: dt.date | None = None, actor: Actor) -> Nomination:
    """Record the outcome: awarded or not. Decided once."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.NOMINATED:
        raise Refused("already_decided", _("这项推荐已经评定"), conflict=True)
    nomination.status = NominationStatus.AWARDED if awarded else NominationStatus.NOT_AWARDED
    nomination.decided_on = on or timezone.localdate()
    nomination.save(update_fields=["status", "decided_on"])
    audit.record(
        actor, "honours.decide", nomination, after={"status": nomination.status, "on": str(nomination.decided_on)},
        org=nomination.org,
    )  # fmt: skip
    return nomination
