"""Honours and competitions in the console: a street officer holds a competition and records
results by member number, nominates a member and a team, decides them; the figures by honour and
industry; lists and exports in scope; names masked."""

from __future__ import annotations

import pytest

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.excel import read_table
from gongyou.core.testing import worker_data
from gongyou.honours.inputs import clean_competition
from gongyou.honours.models import Competition, Nomination
from gongyou.honours.services import create_competition
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join


def member(seq, **kw):
    return join(clean_worker(worker_data(seq, **kw)), channel="online", actor=Actor.worker()).membership


def test_a_competition_and_its_results(client, world, personas):
    rider = member(21)
    client.force_login(personas["street"])
    response = client.post("/console/competitions/new/", {"title": "外卖骑手技能竞赛", "industry": "food_delivery", "held_on": "2026-05-01", "place": "徐家汇"})
    competition = Competition.objects.get()
    assert response.status_code == 302 and competition.org == world.street_fed
    client.post(f"/console/competitions/{competition.pk}/", {"member_no": rider.member_no.lower(), "award": "一等奖"})
    client.post(f"/console/competitions/{competition.pk}/", {"member_no": "GY000000X", "award": "二等奖"})
    assert list(competition.results.values_list("award", flat=True)) == ["一等奖"]
    page = client.get(f"/console/competitions/{competition.pk}/").content.decode()
    assert rider.member_no in page and rider.person.name not in page  # masked
    assert "1" in client.get("/console/competitions/").content.decode()
    table = read_table(client.get(f"/console/competitions/{competition.pk}/export/").content)
    assert table[1][0] == rider.member_no and table[1][3] == "一等奖" and table[1][1] != rider.person.name
    assert read_table(client.get("/console/competitions/export/").content)[1][0] == "外卖骑手技能竞赛"


def test_nominations_decisions_and_figures(client, world, personas):
    rider = member(22, industry="express")
    client.force_login(personas["street"])
    client.post("/console/honours/new/", {"kind": "model_worker", "year": "2026", "member_no": rider.member_no, "citation": "三年零投诉"})
    client.post("/console/honours/new/", {"kind": "worker_pioneer", "year": "2026", "team": "徐家汇站骑手班组", "industry": "food_delivery"})
    response = client.post("/console/honours/new/", {"kind": "model_worker", "year": "2026", "member_no": "GY999"}, follow=True)
    assert "找不到这个会员编号" in response.content.decode()
    personal, team = Nomination.objects.order_by("id")
    assert (personal.membership, team.team) == (rider, "徐家汇站骑手班组")
    client.post(f"/console/honours/{personal.pk}/decide/", {"awarded": "1"})
    client.post(f"/console/honours/{team.pk}/decide/", {"awarded": "0"})
    personal.refresh_from_db()
    team.refresh_from_db()
    assert (personal.status, team.status) == ("awarded", "not_awarded")
    page = client.get("/console/honours/", {"year": "2026"}).content.decode()
    stats = page.split('data-testid="honour-stats"', 1)[1].split("</table>", 1)[0]
    model_row = stats.split("劳动模范", 1)[1].split("</tr>", 1)[0]
    assert [c.split("</td>")[0] for c in model_row.split('class="num">')[1:]] == ["1", "1", "0", "1", "0", "0", "0"]
    assert rider.person.name not in page
    table = read_table(client.get("/console/honours/export/").content)
    assert table[0][:3] == ["年度", "荣誉", "会员编号"] and {r[2] for r in table[1:]} == {rider.member_no, ""}


def test_a_member_outside_scope_cannot_be_nominated(client, world, personas):
    outsider = member(23)  # joins the street union, which the station union does not see
    client.force_login(personas["station"])
    client.post("/console/honours/new/", {"kind": "model_worker", "year": "2026", "member_no": outsider.member_no})
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("other_street", 404), ("station", 404)])
def test_a_competition_out_of_scope_is_not_found(client, world, personas, persona, status):
    competition = create_competition(world.street_fed, clean_competition({"title": "比武", "held_on": "2026-06-01"}), actor=COMMAND)
    client.force_login(personas[persona])
    assert client.get(f"/console/competitions/{competition.pk}/").status_code == status


def test_a_viewer_reads_only(client, world, personas):
    competition = create_competition(world.street_fed, clean_competition({"title": "比武", "held_on": "2026-06-01"}), actor=COMMAND)
    client.force_login(personas["viewer"])
    assert client.get(f"/console/competitions/{competition.pk}/").status_code == 200
    assert client.post("/console/honours/new/", {"kind": "worker_pioneer", "year": "2026", "team": "x", "industry": "express"}).status_code == 403
