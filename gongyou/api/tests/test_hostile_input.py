"""What an outside probe sent (issue 14, item 5): broken Unicode, control characters, names of
the wrong JSON type, a deeply nested body, unknown URLs. Each answers a coded 400 (or 404/405)
in the one error shape, stores nothing wrong, and one bad roster row rejects only that row."""

import json

import pytest

from gongyou.api.tests.conftest import client_for, roster_row
from gongyou.core.testing import worker_data
from gongyou.members.models import Person, RosterEntry


def post_raw(client, url, body: str):
    # json.dumps escapes a lone surrogate as \ud800, exactly what a hostile client sends.
    return client.post(url, data=body, content_type="application/json")


def codes(errors):
    return {field: [e["code"] for e in errs] for field, errs in errors.items()}


def test_a_lone_surrogate_in_a_name_is_a_coded_400(world, api):
    response = post_raw(api, "/api/v1/join", json.dumps(worker_data(1, name="张\ud800三")))
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {"name": ["bad_character"]}
    assert not Person.objects.exists()


def test_a_lone_surrogate_rejects_only_its_roster_row(world, api):
    rows = [roster_row(1), roster_row(2, name="张\ud800三"), roster_row(3, external_id="x\udc00")]
    response = post_raw(api, "/api/v1/partner/roster", json.dumps({"workers": rows}))
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 1
    rejected = {r["index"]: r for r in body["rejected"]}
    assert codes(rejected[1]["errors"]) == {"name": ["bad_character"]}
    assert rejected[1]["external_id"] == "rider-2"
    assert codes(rejected[2]["errors"]) == {"external_id": ["bad_character"]}
    assert rejected[2]["external_id"] == ""
    assert list(RosterEntry.objects.values_list("external_id", flat=True)) == ["rider-1"]


@pytest.mark.parametrize("name", [["张三"], {"a": "张三"}, 12345, True, 1.5])
def test_a_name_that_is_not_text_is_a_coded_400(world, api, name):
    response = api.post("/api/v1/join", worker_data(1, name=name), format="json")
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {"name": ["not_text"]}
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", [["张三"], {"a": "张三"}, 12345, False])
def test_a_roster_name_that_is_not_text_is_never_stored_as_its_repr(world, api, name):
    response = api.post("/api/v1/partner/roster", {"workers": [roster_row(1, name=name)]}, format="json")
    assert response.status_code == 200
    assert codes(response.json()["rejected"][0]["errors"]) == {"name": ["not_text"]}
    assert not RosterEntry.objects.exists()


@pytest.mark.parametrize("name", ["张\x1b[31m三", "张\x00三", "张\n三"])
def test_control_characters_in_a_name_are_a_coded_400(world, api, name):
    response = post_raw(api, "/api/v1/join", json.dumps(worker_data(1, name=name)))
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {"name": ["control_character"]}
    response = post_raw(api, "/api/v1/partner/roster", json.dumps({"workers": [roster_row(1, name=name)]}))
    assert codes(response.json()["rejected"][0]["errors"]) == {"name": ["control_character"]}
    assert not Person.objects.exists() and not RosterEntry.objects.exists()


def test_names_are_stored_nfc_normalised(world, api):
    decomposed = "Jose\u0301 测试"  # "José" as e + combining acute, as some keyboards send it
    assert api.post("/api/v1/join", worker_data(1, name=decomposed), format="json").status_code == 201
    assert Person.objects.get().name == "Jos\u00e9 测试"
    api.post("/api/v1/partner/roster", {"workers": [roster_row(2, name=decomposed)]}, format="json")
    assert RosterEntry.objects.get().name == "Jos\u00e9 测试"


def test_a_deeply_nested_body_is_a_json_400(world, api):
    response = post_raw(api, "/api/v1/partner/roster", "[" * 50_000)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert codes(response.json()["errors"]) == {"detail": ["parse_error"]}


def test_unknown_api_urls_and_methods_answer_in_the_error_shape(world, api):
    for client in (api, client_for(None)):
        response = client.get("/api/v1/no-such-endpoint")
        assert response.status_code == 404
        assert codes(response.json()["errors"]) == {"detail": ["not_found"]}
    response = api.delete("/api/v1/join")
    assert response.status_code == 405
    assert codes(response.json()["errors"]) == {"detail": ["method_not_allowed"]}


def test_a_crash_under_api_answers_500_in_the_error_shape(world, token, monkeypatch):
    from gongyou.api.views import partner

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(partner, "join_via_partner", boom)
    client = client_for(token)
    client.raise_request_exception = False
    response = client.post("/api/v1/join", worker_data(1), format="json")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert codes(response.json()["errors"]) == {"detail": ["server_error"]}


def test_pages_outside_the_api_keep_their_html_404(client, db):
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_gcj02_point_near_a_pole_is_not_a_500(db):
    # Found by schemathesis: the GCJ-02 inversion diverged far from China (math domain error).
    response = client_for(None).get("/api/v1/stations/nearby", {"crs": "gcj02", "lat": -90, "lng": -179})
    assert response.status_code in (200, 400)
    assert list(response.json()) in (["results"], ["errors"])
