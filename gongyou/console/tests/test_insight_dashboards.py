"""Coverage dashboards in the console: scope, drill-down, targets, ranking, exports, the PDF
report, and a bounded number of queries whatever the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import _staff
from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.insight.assessment import ranking
from gongyou.insight.models import Target
from gongyou.insight.services import set_target
from gongyou.insight.snapshots import rebuild

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def members(world):
    made = [join_worker(n, street_code="310104014" if n % 2 else "310104004") for n in range(1, 7)]
    rebuild(through=timezone.localdate() - dt.timedelta(days=1))
    return made


def test_the_city_dashboard_drills_down_and_shows_targets(client, world, personas, members):
    set_target(world.district.region, "members_active", YEAR, 12, set_by=world.city, actor=COMMAND)
    client.force_login(personas["city"])
    page = client.get("/console/insight/").content.decode()
    assert 'data-testid="drill-310104"' in page and "目标 12 · 完成 50.0%" in page
    street = client.get("/console/insight/?region=310104014").content.decode()
    assert "徐家汇街道" in street


def test_a_street_officer_sees_their_street_and_nothing_above(client, world, personas, members):
    client.force_login(personas["street"])
    page = client.get("/console/insight/")
    assert page.status_code == 200 and page.context["board"].area.street == "310104014"
    assert page.context["board"].cards[0].value == 3
    assert client.get("/console/insight/?region=310104").status_code == 404
    assert client.get("/console/insight/?region=310104004").status_code == 404
    assert client.get("/console/insight/?region=nonsense").status_code == 404


def test_a_district_officer_sets_street_targets_and_sees_the_districts_ranking(client, world, members):
    officer = _staff("xuhui", world.district)
    client.force_login(officer)
    response = client.post(
        "/console/insight/targets/",
        {"year": str(YEAR), "t-310104014-members_active": "6", "t-310104004-people_served": "x"},
    )
    assert response.status_code == 200 and not Target.objects.exists()  # all or nothing
    assert "目标值应为0到10亿之间的整数" in response.content.decode()
    response = client.post("/console/insight/targets/", {"year": str(YEAR), "t-310104014-members_active": "6"})
    assert response.status_code == 302
    assert Target.objects.get().value == 6
    # A district may not set its own (district) target: the field is not on its grid.
    client.post("/console/insight/targets/", {"year": str(YEAR), "t-310104-members_active": "6"})
    assert Target.objects.count() == 1
    page = client.get("/console/insight/ranking/").content.decode()
    assert "徐汇区" in page and "黄浦区" not in page


def test_ranking_weighs_progress_against_targets_and_shows_the_parts(world, personas, members, settings):
    settings.GONGYOU = {**settings.GONGYOU, "ASSESSMENT_WEIGHTS": {"members_active": 3, "stations_with_union": 1}}
    xuhui, huangpu = world.district.region, type(world.district.region).objects.get(code="310101")
    set_target(xuhui, "members_active", YEAR, 12, set_by=world.city, actor=COMMAND)  # 6/12 → 0.5
    set_target(xuhui, "stations_with_union", YEAR, 1, set_by=world.city, actor=COMMAND)  # 1/1 → 1
    set_target(huangpu, "members_active", YEAR, 10, set_by=world.city, actor=COMMAND)  # 0/10
    scores = ranking(personas["city"], YEAR)
    assert [s.district.code for s in scores[:2]] == ["310104", "310101"]
    top = scores[0]
    assert top.score == pytest.approx(100 * (3 * 0.5 + 1 * 1) / 4)
    assert top.parts == {"members_active": 37.5, "stations_with_union": 25.0}
    assert scores[1].score == 0 and len(scores) == 16


def test_exports_and_the_monthly_pdf(client, world, personas, members):
    client.force_login(personas["city"])
    for url in ("/console/insight/?export=xlsx", "/console/insight/industries/?export=xlsx",
                "/console/insight/enterprises/?export=xlsx", "/console/insight/ranking/?export=xlsx"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK", url
    pdf = client.get("/console/insight/report.pdf?region=310104&month=" + f"{timezone.localdate():%Y-%m}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content


@pytest.mark.parametrize(
    "url",
    ["/console/insight/", "/console/insight/?region=310104", "/console/insight/?region=310104014",
     "/console/insight/ranking/", "/console/insight/industries/"],
)  # fmt: skip
def test_dashboards_run_a_bounded_number_of_queries(client, world, personas, members, url):
    client.force_login(personas["city"])
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20, 60):
        join_worker(n, street_code="310104014")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 45, [q["sql"][:120] for q in many]


def test_the_dashboard_says_how_often_todays_changes_are_counted(client, world, personas, members, settings):
    from gongyou.insight.snapshots import rebuild

    rebuild()  # the sentence belongs to the "snapshot + today's changes" reading
    client.force_login(personas["city"])
    settings.GONGYOU = {**settings.GONGYOU, "INSIGHT_LIVE_SECONDS": 60}
    assert "今日变化每 60 秒重新统计一次" in client.get("/console/insight/").content.decode()
    settings.GONGYOU = {**settings.GONGYOU, "INSIGHT_LIVE_SECONDS": 0}
    assert "重新统计一次" not in client.get("/console/insight/").content.decode()
