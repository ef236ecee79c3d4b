"""The OpenAPI document describes the contract, and the API's answers fit the document."""

import re

import jsonschema
import pytest
from django.test import Client

from gongyou.api import urls as api_urls
from gongyou.api.tests.conftest import client_for, roster_row
from gongyou.core.testing import worker_data

PARTNER_PATHS = {"/api/v1/partner/roster": "post", "/api/v1/join": "post", "/api/v1/members/{member_no}": "get"}
PUBLIC_PATHS = {"/api/v1/stations/nearby": "get"}
FUNDS_PATHS = {
    "/api/v1/funds/accounts": "get",
    "/api/v1/funds/transactions": "post",
    "/api/v1/funds/transactions/{id}/reverse": "post",
    "/api/v1/funds/trial-balance": "get",
}
STAFF_PATHS = {
    "/api/v1/benefits/campaigns": "get",
    "/api/v1/benefits/claims": "post",
    "/api/v1/insight/served": "get",
    "/api/v1/insight/unionless": "get",
    "/api/v1/insight/kpis": "get",
    "/api/v1/insight/ranking": "get",
}
CASES_PATHS = {
    "/api/v1/cases": "post",
    "/api/v1/cases/{case_no}": "get",
    "/api/v1/cases/{case_no}/actions": "post",
}
PATHS = {**PARTNER_PATHS, **PUBLIC_PATHS, **STAFF_PATHS, **FUNDS_PATHS, **CASES_PATHS}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _jsonschema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a "null" alternative."""
    if isinstance(node, list):
        return [_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    return out


def check(schema, path, response, method=None):
    """Validate a response body against the schema the document gives for its status code."""
    operation = schema["paths"][path][method or PATHS[path]]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{path} {response.status_code} is not documented"
    body_schema = _jsonschema(documented["content"]["application/json"]["schema"])
    body_schema["definitions"] = _jsonschema(schema["components"]["schemas"])
    jsonschema.validate(response.json(), body_schema)


def test_the_schema_documents_every_api_url(schema):
    routed = {"/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern)) for p in api_urls.urlpatterns}
    documented = {path for path in schema["paths"] if path.startswith("/api/v1/")}
    assert routed == documented == set(PATHS)


def test_the_public_paths_need_no_credentials(schema):
    for path, method in PUBLIC_PATHS.items():
        operation = schema["paths"][path][method]
        assert operation.get("security") in (None, [], [{}])
        assert {"200", "400", "429"} <= set(operation["responses"])


def test_the_schema_documents_the_partner_paths_with_bearer_auth(schema):
    for path, method in PARTNER_PATHS.items():
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"partnerToken": []}]
        assert "401" in operation["responses"]
    assert schema["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"
    assert "413" in schema["paths"]["/api/v1/partner/roster"]["post"]["responses"]
    assert {"200", "201", "400"} <= set(schema["paths"]["/api/v1/join"]["post"]["responses"])
    worker = schema["components"]["schemas"]["RosterWorker"]
    assert set(worker["properties"]) == {
        "external_id",
        "name",
        "id_number",
        "phone",
        "street_code",
        "station_code",
        "labor_relation",
        "industry",
        "active",
    }
    join = schema["components"]["schemas"]["JoinRequest"]
    assert set(join["required"]) == {
        "name",
        "id_number",
        "phone",
        "street_code",
        "industry",
        "labor_relation",
        "consent_version",
    }


def test_the_docs_page_loads_without_a_cdn(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html


def test_every_answer_fits_the_document(schema, world, api, other_api, make_position):
    roster = "/api/v1/partner/roster"
    check(schema, roster, api.post(roster, {"workers": [roster_row(1), roster_row(2, phone="x")]}, format="json"))
    check(schema, roster, api.post(roster, {"nope": 1}, format="json"))
    check(schema, roster, api.post(roster, {"workers": [{}] * 5001}, format="json"))
    check(schema, roster, client_for(None).post(roster, {"workers": []}, format="json"))
    created = api.post("/api/v1/join", worker_data(3), format="json")
    assert created.status_code == 201
    check(schema, "/api/v1/join", created)
    check(schema, "/api/v1/join", api.post("/api/v1/join", worker_data(3), format="json"))
    check(schema, "/api/v1/join", api.post("/api/v1/join", worker_data(4, phone=""), format="json"))
    member = "/api/v1/members/{member_no}"
    number = created.json()["member_no"]
    check(schema, member, api.get(f"/api/v1/members/{number}"))
    check(schema, member, other_api.get(f"/api/v1/members/{number}"))
    check(schema, member, client_for("gyp_bad_token").get(f"/api/v1/members/{number}"))
    nearby = "/api/v1/stations/nearby"
    make_position()
    found = client_for(None).get(nearby, {"lng": "121.437", "lat": "31.195", "crs": "gcj02"})
    assert found.status_code == 200 and found.json()["results"]
    check(schema, nearby, found)
    check(schema, nearby, client_for(None).get(nearby, {"lng": "x", "amenity": "sauna"}))


def test_the_schema_documents_the_staff_paths_with_their_constraints(schema):
    for path, method in [*STAFF_PATHS.items(), ("/api/v1/benefits/campaigns", "post")]:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"staffToken": []}]
        assert "401" in operation["responses"]
    assert schema["components"]["securitySchemes"]["staffToken"]["scheme"] == "bearer"
    assert {"201", "400", "403", "404", "409"} <= set(schema["paths"]["/api/v1/benefits/claims"]["post"]["responses"])
    create = schema["components"]["schemas"]["CampaignCreate"]
    assert set(create["required"]) == {"kind", "title", "starts_at", "ends_at", "quota"}
    assert create["properties"]["quota"]["minimum"] == 0 and create["properties"]["title"]["maxLength"] == 128


def test_every_staff_answer_fits_the_document(schema, world, personas, make_campaign, make_member):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import issue_staff_token

    staff = client_for(issue_staff_token(personas["street"], actor=COMMAND))
    viewer = client_for(issue_staff_token(personas["viewer"], actor=COMMAND))
    campaigns, claims, served, unionless, _kpis, _ranking = STAFF_PATHS
    make_campaign(org=world.street_fed)
    check(schema, campaigns, staff.get(campaigns))
    body = {
        "kind": "safety",
        "title": "送安全",
        "starts_at": "2026-01-01T00:00:00+08:00",
        "ends_at": "2030-01-01T00:00:00+08:00",
        "quota": 1,
    }
    created = staff.post(campaigns, body, format="json")
    assert created.status_code == 201
    check(schema, campaigns, created, "post")
    check(schema, campaigns, staff.post(campaigns, {**body, "quota": -1}, format="json"), "post")
    check(schema, campaigns, viewer.post(campaigns, body, format="json"), "post")
    check(
        schema, campaigns, staff.post(campaigns, {**body, "org_id": world.other_street_fed.pk}, format="json"), "post"
    )
    member = make_member(1)
    claim = {"campaign_id": created.json()["id"], "member_no": member.member_no}
    check(schema, claims, staff.post(claims, claim, format="json"))
    check(schema, claims, staff.post(claims, claim, format="json"))  # 409 already_claimed
    quota = make_campaign(org=world.street_fed, audience={"industries": ["express"]})
    refused = staff.post(claims, {"campaign_id": quota.pk, "member_no": member.member_no}, format="json")
    assert refused.json()["errors"]["member"][0]["reason"] == "industry"
    check(schema, claims, refused)
    check(schema, claims, staff.post(claims, {"campaign_id": 999999, "member_no": "x"}, format="json"))
    check(schema, served, staff.get(served))
    check(schema, served, staff.get(served, {"from": "nope"}))
    check(schema, served, client_for(None).get(served))
    found = staff.get(unionless, {"district": "310104", "industry": "express", "limit": "10"})
    assert found.status_code == 200 and found.json()["results"]  # world.no_union_enterprise
    check(schema, unionless, found)
    check(schema, unionless, staff.get(unionless, {"limit": "1001"}))
    check(schema, unionless, client_for(None).get(unionless))


def test_the_kpis_and_ranking_answers_fit_the_document(schema, world, personas, make_member):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import issue_staff_token

    make_member(1)
    staff = client_for(issue_staff_token(personas["street"], actor=COMMAND))
    city = client_for(issue_staff_token(personas["city"], actor=COMMAND))
    kpis, ranking = "/api/v1/insight/kpis", "/api/v1/insight/ranking"
    found = staff.get(kpis, {"region": "310104014", "from": "2026-01", "to": "2026-02"})
    assert found.status_code == 200 and [m["month"] for m in found.json()["months"]] == ["2026-01", "2026-02"]
    check(schema, kpis, found)
    check(schema, kpis, city.get(kpis))
    check(schema, kpis, staff.get(kpis, {"region": "310101"}))  # 404: another district
    check(schema, kpis, staff.get(kpis, {"from": "2026-13"}))
    check(schema, kpis, client_for(None).get(kpis))
    check(schema, ranking, city.get(ranking, {"period": "2026"}))
    check(schema, ranking, city.get(ranking, {"period": "26"}))
    params = {p["name"]: p["schema"] for p in schema["paths"][kpis]["get"]["parameters"]}
    assert params["region"]["pattern"] == r"^(\d{6}|\d{9})$" and params["from"]["pattern"] == r"^\d{4}-\d{2}$"


def test_the_unionless_parameters_are_stated_in_the_schema(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/insight/unionless"]["get"]["parameters"]}
    assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] == 1000
    assert params["district"]["pattern"] == r"^\d{6}$"
    assert set(params["industry"]["enum"]) == {"food_delivery", "express", "freight", "ride_hailing", "other"}
    row = schema["components"]["schemas"]["UnionlessEnterprise"]
    assert set(row["required"]) == {
        "uscc",
        "name",
        "industry",
        "district_code",
        "street_code",
        "is_head",
        "roster_workers",
        "individual_members",
    }


def test_every_funds_answer_fits_the_document(schema, world, personas):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import issue_staff_token
    from gongyou.funds.inputs import clean_posting
    from gongyou.funds.services import open_account, record_opening_balance

    staff = client_for(issue_staff_token(personas["street"], actor=COMMAND))
    viewer = client_for(issue_staff_token(personas["viewer"], actor=COMMAND))
    accounts, transactions, reverse, trial = FUNDS_PATHS
    for path, method in FUNDS_PATHS.items():
        assert schema["paths"][path][method]["security"] == [{"staffToken": []}]
    amount = schema["components"]["schemas"]["TransactionRequest"]["properties"]["amount_fen"]
    assert amount["type"] == "integer" and amount["minimum"] == 1
    street = open_account(world.street_fed, "union_street", actor=COMMAND)
    service = open_account(world.street_fed, "member_service", actor=COMMAND)
    record_opening_balance(street, clean_posting({"amount_fen": 500}), actor=COMMAND)
    check(schema, accounts, staff.get(accounts))
    body = {"from_account": street.pk, "to_account": service.pk, "amount_fen": 100, "idempotency_key": "s-1"}
    created = staff.post(transactions, body, format="json")
    assert created.status_code == 201
    check(schema, transactions, created)
    check(schema, transactions, staff.post(transactions, body, format="json"))  # 200 replay
    check(schema, transactions, staff.post(transactions, {**body, "amount_fen": 1.5}, format="json"))
    check(schema, transactions, staff.post(transactions, {**body, "amount_fen": 9999, "idempotency_key": ""}, format="json"))
    check(schema, transactions, staff.post(transactions, {**body, "from_account": 999999}, format="json"))
    check(schema, transactions, viewer.post(transactions, body, format="json"))
    path = f"/api/v1/funds/transactions/{created.json()['id']}/reverse"
    check(schema, reverse, staff.post(path, {}, format="json"))
    check(schema, reverse, staff.post(path, {}, format="json"))  # 409 already_reversed
    check(schema, reverse, staff.post("/api/v1/funds/transactions/999999/reverse", {}, format="json"))
    check(schema, trial, staff.get(trial))
    check(schema, trial, client_for(None).get(trial))


def test_every_cases_answer_fits_the_document(schema, world, personas):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import issue_staff_token

    staff = client_for(issue_staff_token(personas["street"], actor=COMMAND))
    viewer = client_for(issue_staff_token(personas["viewer"], actor=COMMAND))
    outsider = client_for(issue_staff_token(personas["other_street"], actor=COMMAND))
    create, detail, actions = CASES_PATHS
    for path, method in CASES_PATHS.items():
        assert schema["paths"][path][method]["security"] == [{"staffToken": []}]
    assert {"201", "400", "401", "403"} <= set(schema["paths"][create]["post"]["responses"])
    assert {"200", "400", "404", "409"} <= set(schema["paths"][actions]["post"]["responses"])
    body = {
        "type": "legal_aid",
        "name": "李四",
        "phone": "13900139000",
        "title": "拖欠工资",
        "description": "站点拖欠三个月工资",
        "station_code": world.station.code,
        "workers_involved": 12,
        "amount_fen": 3_000_000,
    }
    created = staff.post(create, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["warning_level"] == "yellow"
    check(schema, create, created)
    check(schema, create, staff.post(create, {**body, "name": None, "phone": None}, format="json"))  # 400
    check(schema, create, viewer.post(create, body, format="json"))  # 403
    case_no = created.json()["case_no"]
    check(schema, detail, staff.get(f"/api/v1/cases/{case_no}"), "get")
    check(schema, detail, outsider.get(f"/api/v1/cases/{case_no}"), "get")  # 404
    path = f"/api/v1/cases/{case_no}/actions"
    check(schema, actions, staff.post(path, {"action": "accept"}, format="json"), "post")
    check(schema, actions, staff.post(path, {"action": "accept"}, format="json"), "post")  # 409
    check(schema, actions, staff.post(path, {"action": "refer"}, format="json"), "post")  # 400
    check(schema, actions, staff.post(path, {"action": "fly"}, format="json"), "post")  # 400
