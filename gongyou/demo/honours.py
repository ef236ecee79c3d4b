"""Demo honours and competitions: a riders' skills competition held by 徐家汇街道总工会 with its
first three places, and this year's nominations — two model workers (one awarded), a May Day
medal still to be decided, a Worker Pioneer team awarded. Idempotent: found by title or member."""

from __future__ import annotations

from django.utils import timezone

from gongyou.core.actors import Actor
from gongyou.core.models import Org
from gongyou.honours.inputs import CleanCompetition, CleanNomination
from gongyou.honours.models import Competition, Nomination
from gongyou.honours.services import create_competition, decide_nomination, nominate, record_result
from gongyou.members.models import Membership

XUJIAHUI = "310104014"
TITLE = "徐家汇街道外卖骑手职业技能竞赛"


def seed_honours(*, actor: Actor) -> int:
    """The number of competitions and nominations made (0 when they exist)."""
    org = Org.objects.filter(kind=Org.Kind.STREET_FEDERATION, region__code=XUJIAHUI, status=Org.Status.ACTIVE).order_by("id").first()
    if org is None or Competition.objects.filter(org=org, title=TITLE).exists():
        return 0
    today = timezone.localdate()
    members = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, org__region__code=XUJIAHUI)
        .select_related("person")
        .order_by("id")[:5]
    )
    if len(members) < 5:
        return 0
    made = 0
    competition = create_competition(
        org, CleanCompetition(TITLE, "food_delivery", today.replace(month=5, day=1) if today.month > 5 else today, "徐家汇街道党群服务中心",
                              "安全驾驶、路线规划、应急救护三项比武。"), actor=actor,
    )  # fmt: skip
    made += 1
    for membership, award in zip(members[:3], ["一等奖", "二等奖", "三等奖"], strict=True):
        record_result(competition, membership, award, actor=actor)
    year = today.year
    specs: list[tuple[str, Membership | None, str, str, str, bool | None]] = [
        ("model_worker", members[0], "", "", "连续三年零投诉，雨雪天坚持保供", True),
        ("model_worker", members[3], "", "", "带教新骑手 40 余人", None),
        ("may_day_medal", members[1], "", "", "职业技能竞赛二等奖，见义勇为", None),
        ("worker_pioneer", None, "徐家汇站骑手班组", "food_delivery", "高温季节坚守保供，零安全事故", True),
    ]
    for kind, nominee, team, industry, citation, awarded in specs:
        if nominee is not None and Nomination.objects.filter(kind=kind, year=year, membership=nominee).exists():
            continue
        nomination = nominate(
            org, CleanNomination(kind, year, (nominee.member_no or "") if nominee else "", team, industry, citation), nominee, actor=actor
        )
        made += 1
        if awarded is not None:
            decide_nomination(nomination, awarded, actor=actor)
    return made
