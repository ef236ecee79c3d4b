"""Competitions with results, nominations for honours (a member, or a team for a collective one),
decisions, statistics by honour and industry; scoped to the org that held or nominated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.honours.access import competitions_in_scope, nominations_in_scope
from gongyou.honours.inputs import clean_competition, clean_nomination
from gongyou.honours.models import Nomination
from gongyou.honours.queries import honour_stats
from gongyou.honours.services import create_competition, decide_nomination, nominate, record_result
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join

pytestmark = pytest.mark.django_db
YEAR = 2026


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def member(seq, **kw):
    return join(clean_worker(worker_data(seq, **kw)), channel="online", actor=Actor.worker()).membership


def nomination_data(**over):
    data = {"kind": "model_worker", "year": str(YEAR), "member_no": "", "citation": "三年零投诉"}
    data.update(over)
    return clean_nomination(data, this_year=YEAR)


def test_a_competition_records_each_members_result_once(world):
    rider = member(1)
    competition = create_competition(
        world.street_fed, clean_competition({"title": "外卖骑手技能竞赛", "held_on": "2026-05-01", "industry": "food_delivery"}), actor=COMMAND
    )
    record_result(competition, rider, "一等奖", actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        record_result(competition, rider, "二等奖", actor=COMMAND)
    assert codes(exc) == {"member_no": ["already_recorded"]}
    with pytest.raises(ValidationError) as exc:
        record_result(competition, member(2), " ", actor=COMMAND)
    assert codes(exc) == {"award": ["bad_award"]}
    assert list(competition.results.values_list("award", flat=True)) == ["一等奖"]
    assert AuditLog.objects.filter(action="honours.record_result").count() == 1


def test_bad_competition_fields_are_reported_together():
    with pytest.raises(ValidationError) as exc:
        clean_competition({"title": "", "held_on": "2026-13-01", "industry": "farming"})
    assert codes(exc) == {"title": ["required"], "industry": ["bad_industry"], "held_on": ["invalid_date"]}


def test_personal_and_collective_nominations(world):
    rider = member(3, industry="express")
    personal = nominate(world.street_fed, nomination_data(member_no=rider.member_no), rider, actor=COMMAND)
    assert (personal.industry, personal.nominee) == ("express", rider.person.name)
    team = nominate(
        world.street_fed, nomination_data(kind="worker_pioneer", team="徐家汇站骑手班组", industry="food_delivery"), None, actor=COMMAND
    )
    assert (team.membership, team.nominee, team.industry) == (None, "徐家汇站骑手班组", "food_delivery")
    with pytest.raises(ValidationError) as exc:
        nominate(world.street_fed, nomination_data(member_no=rider.member_no), rider, actor=COMMAND)
    assert codes(exc) == {"member_no": ["already_nominated"]}
    with pytest.raises(IntegrityError), transaction.atomic():  # the database keeps one member or one team
        Nomination.objects.create(org=world.street_fed, kind="model_worker", year=YEAR, membership=rider, team="x", industry="express")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "model_worker", "member_no": ""}, {"member_no": ["member_required"]}),
        ({"kind": "worker_pioneer", "team": "", "industry": ""}, {"team": ["team_required"], "industry": ["bad_industry"]}),
        ({"kind": "medal", "member_no": "GY1"}, {"kind": ["bad_kind"]}),
        ({"year": "1999", "member_no": "GY1"}, {"year": ["bad_year"]}),
        ({"year": "2028", "member_no": "GY1"}, {"year": ["bad_year"]}),
    ],
)
def test_bad_nominations_are_refused(data, expected):
    with pytest.raises(ValidationError) as exc:
        nomination_data(**data)
    assert codes(exc) == expected


def test_a_nomination_is_decided_once_and_counted(world):
    riders = [member(10 + i, industry=ind) for i, ind in enumerate(["food_delivery", "express", "express"])]
    made = [nominate(world.street_fed, nomination_data(member_no=r.member_no), r, actor=COMMAND) for r in riders]
    decide_nomination(made[0], True, on=dt.date(2026, 4, 28), actor=COMMAND)
    decide_nomination(made[1], True, actor=COMMAND)
    decide_nomination(made[2], False, actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        decide_nomination(made[2], True, actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["already_decided"]}
    row = next(r for r in honour_stats(Nomination.objects.all()) if r.kind == "model_worker")
    assert (row.nominated, row.awarded) == (3, 2)
    assert row.by_industry["food_delivery"] == 1 and row.by_industry["express"] == 1 and row.by_industry["freight"] == 0
    assert {r.kind for r in honour_stats(Nomination.objects.none())} == {"model_worker", "may_day_medal", "worker_pioneer", "craftsman"}


@pytest.mark.parametrize(("persona", "sees"), [("city", True), ("street", True), ("station", False), ("other_street", False)])
def test_honours_are_seen_in_the_nominating_orgs_scope(world, personas, persona, sees):
    create_competition(world.street_fed, clean_competition({"title": "快递技能比武", "held_on": "2026-06-01"}), actor=COMMAND)
    nominate(world.street_fed, nomination_data(kind="worker_pioneer", team="班组", industry="express"), None, actor=COMMAND)
    user = personas[persona]
    assert competitions_in_scope(user).exists() is sees and nominations_in_scope(user).exists() is sees
