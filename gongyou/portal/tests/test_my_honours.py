"""A member sees on their page what they have won — honours awarded, places in competitions —
and not nominations still undecided or not awarded."""

from __future__ import annotations

from gongyou.core.actors import COMMAND
from gongyou.honours.inputs import clean_competition, clean_nomination
from gongyou.honours.services import create_competition, decide_nomination, nominate, record_result


def test_a_member_sees_what_they_won(member_client, member, world):
    competition = create_competition(world.street_fed, clean_competition({"title": "骑手技能竞赛", "held_on": "2026-05-01"}), actor=COMMAND)
    record_result(competition, member, "二等奖", actor=COMMAND)
    awarded = nominate(world.street_fed, clean_nomination({"kind": "model_worker", "year": "2026", "member_no": member.member_no}, this_year=2026), member, actor=COMMAND)
    decide_nomination(awarded, True, actor=COMMAND)
    nominate(world.street_fed, clean_nomination({"kind": "may_day_medal", "year": "2026", "member_no": member.member_no}, this_year=2026), member, actor=COMMAND)
    html = member_client.get("/me/").content.decode()
    section = html.split('data-testid="my-honours"', 1)[1].split("</section>", 1)[0]
    assert "劳动模范" in section and "骑手技能竞赛" in section and "二等奖" in section
    assert "五一劳动奖章" not in section  # still undecided


def test_no_section_without_honours(member_client):
    assert 'data-testid="my-honours"' not in member_client.get("/me/").content.decode()
