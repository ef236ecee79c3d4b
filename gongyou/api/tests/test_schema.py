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
PATHS = {**PARTNER_PATHS, **PUBLIC_PATHS}


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


def check(schema, path, response):
    """Validate a response body against the schema the document gives for its status code."""
    operation = schema["paths"][path][PATHS[path]]
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
        "external_id", "name", "id_number", "phone", "street_code", "station_code", "labor_relation",
        "industry", "active",
    }
    join = schema["components"]["schemas"]["JoinRequest"]
    assert set(join["required"]) == {
        "name", "id_number", "phone", "street_code", "industry", "labor_relation", "consent_version",
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
