"""GET /api/v1/insight/unionless: the contract body, in ranking order, within the token user's
territory; parameters checked (district 6 digits, a known industry, limit 1…1000)."""

from __future__ import annotations

import pytest

from gongyou.api.tests.conftest import client_for
from gongyou.core.actors import COMMAND
from gongyou.core.services import issue_staff_token
from gongyou.insight.tests.conftest import gaps  # noqa: F401 (fixture)

URL = "/api/v1/insight/unionless"


@pytest.fixture
def district_api(gaps):  # noqa: F811
    return client_for(issue_staff_token(gaps.district_user, actor=COMMAND))


def test_it_answers_the_contract_in_ranking_order(gaps, district_api, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(8):
        response = district_api.get(URL, {"district": "310104", "industry": "express", "limit": "2"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "count"}
    assert body["count"] >= 6 and len(body["results"]) == 2
    assert body["results"][0] == {
        "uscc": gaps.head.uscc,
        "name": "登记企业1",
        "industry": "express",
        "district_code": "310104",
        "street_code": "310104014",
        "is_head": True,
        "roster_workers": 0,
        "individual_members": 0,
    }
    assert body["results"][1]["uscc"] == gaps.rostered.uscc and body["results"][1]["roster_workers"] == 3
    usccs = {r["uscc"] for r in district_api.get(URL, {"limit": "1000"}).json()["results"]}
    assert gaps.district_only.uscc in usccs  # street unknown: the district's
    assert not usccs & {gaps.other_district.uscc, gaps.left.uscc, gaps.non_target.uscc}


def test_a_street_officer_sees_only_their_street(gaps, personas):  # noqa: F811
    api = client_for(issue_staff_token(personas["street"], actor=COMMAND))
    results = api.get(URL, {"limit": "1000"}).json()["results"]
    assert results and {r["street_code"] for r in results} == {"310104014"}
    assert api.get(URL, {"district": "310115"}).json() == {"results": [], "count": 0}


def test_limit_up_to_1000_is_honoured(gaps, district_api):  # noqa: F811
    body = district_api.get(URL, {"limit": "1"}).json()
    assert len(body["results"]) == 1 and body["count"] > 1
    assert len(district_api.get(URL, {"limit": "1000"}).json()["results"]) == body["count"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"limit": "0"}, "limit", "invalid"),
        ({"limit": "1001"}, "limit", "invalid"),
        ({"limit": "ten"}, "limit", "invalid"),
        ({"limit": "５"}, "limit", "invalid"),
        ({"district": "31010"}, "district", "invalid"),
        ({"district": "310104x"}, "district", "invalid"),
        ({"industry": "mining"}, "industry", "invalid_choice"),
    ],
)
def test_bad_parameters_are_refused_in_the_error_shape(district_api, params, field, code):
    response = district_api.get(URL, params)
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"][field]] == [code]
