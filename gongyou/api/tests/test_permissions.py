"""The API's permission matrix: every endpoint × caller × method, one table (STYLE, 6).

A partner token acts for one enterprise; a member is visible only to the partners whose roster or
join it came through; a staff token acts as its user (scope and role): a viewer gets 403 on every
write, an object out of scope is 404; public endpoints ignore credentials. Every refusal is in the
one error shape."""

from __future__ import annotations

import pytest

from gongyou.api.tests.conftest import client_for
from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.services import create_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.cases.inputs import clean_case
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND
from gongyou.core.services import issue_staff_token
from gongyou.core.testing import worker_data
from gongyou.funds.inputs import clean_posting
from gongyou.funds.services import open_account, post_transaction, record_opening_balance
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import issue_partner_token, revoke_partner_token

METHODS = ("get", "post", "put", "patch", "delete")
CALLERS = ("partner", "other_partner", "officer", "viewer", "outsider", "no_token", "bad_token", "revoked_token")
NO_CREDENTIAL = {"no_token": 401, "bad_token": 401, "revoked_token": 401}
STAFF = ("officer", "viewer", "outsider")  # street officer, street viewer, the other street's officer
PARTNERS = ("partner", "other_partner")
WRITES = ("post", "put", "patch", "delete")


def _only(method: str, status: int) -> dict[str, int]:
    return {m: status if m == method else 405 for m in METHODS}


# endpoint → caller → method → status. "partner" is the enterprise the member joined through.
MATRIX: dict[str, dict[str, dict[str, int]]] = {
    "roster": {
        "partner": _only("post", 200),
        "other_partner": _only("post", 200),  # its own roster
        **{c: dict.fromkeys(METHODS, 401) for c in STAFF},  # a staff token is no partner token
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "join": {
        "partner": _only("post", 201),
        "other_partner": _only("post", 201),  # joins through itself
        **{c: dict.fromkeys(METHODS, 401) for c in STAFF},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "member": {
        "partner": _only("get", 200),
        "other_partner": _only("get", 404),  # "not yours" looks like "missing"
        **{c: dict.fromkeys(METHODS, 401) for c in STAFF},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "nearby": {caller: _only("get", 200) for caller in CALLERS},  # public: credentials are ignored
    # Staff endpoints; the campaign is organised by the officer's street federation.
    "benefit_campaigns": {
        "officer": {"get": 200, "post": 201, "put": 405, "patch": 405, "delete": 405},
        "outsider": {"get": 200, "post": 201, "put": 405, "patch": 405, "delete": 405},  # their own org's
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "benefit_claims": {
        "officer": _only("post", 201),
        "outsider": _only("post", 404),  # the campaign does not exist for them
        "viewer": {"get": 405, **dict.fromkeys(WRITES, 403)},  # refused before anything is looked up
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    # Funds: the officer's street has a fund with money and a member-service fund (funds fixture).
    "fund_accounts": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),  # their own scope's accounts
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "fund_transactions": {
        "officer": _only("post", 201),
        "outsider": _only("post", 404),  # the accounts do not exist for them
        "viewer": {"get": 405, **dict.fromkeys(WRITES, 403)},  # refused before anything is looked up
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "fund_reverse": {
        "officer": _only("post", 201),
        "outsider": _only("post", 404),
        "viewer": {"get": 405, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "fund_trial_balance": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    # Cases: the case concerns a station in the officer's street (its street federation has it).
    "cases": {
        "officer": _only("post", 201),
        "outsider": _only("post", 201),  # recorded by their own org
        "viewer": {"get": 405, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "case": {
        "officer": _only("get", 200),
        "outsider": _only("get", 404),  # out of scope looks like missing
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "case_actions": {
        "officer": _only("post", 200),
        "outsider": _only("post", 404),
        "viewer": {"get": 405, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "insight_served": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),  # their own scope
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "insight_unionless": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),  # their own territory
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "insight_kpis": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),  # their own street
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "insight_kpis_street": {  # the officer's street: another street's officer gets 404
        "officer": _only("get", 200),
        "outsider": _only("get", 404),
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
    "insight_ranking": {
        "officer": _only("get", 200),
        "outsider": _only("get", 200),  # an empty ranking: no whole district in scope
        "viewer": {"get": 200, **dict.fromkeys(WRITES, 403)},
        **{c: dict.fromkeys(METHODS, 401) for c in PARTNERS},
        **{c: dict.fromkeys(METHODS, s) for c, s in NO_CREDENTIAL.items()},
    },
}


@pytest.fixture
def callers(world, personas):
    revoked = issue_partner_token(world.platform, actor=COMMAND, name="old")
    revoke_partner_token(PartnerCredential.objects.get(prefix=revoked.split("_")[1]), actor=COMMAND)
    return {
        "partner": client_for(issue_partner_token(world.platform, actor=COMMAND)),
        "other_partner": client_for(issue_partner_token(world.no_union_enterprise, actor=COMMAND)),
        "officer": client_for(issue_staff_token(personas["street"], actor=COMMAND)),
        "viewer": client_for(issue_staff_token(personas["viewer"], actor=COMMAND)),
        "outsider": client_for(issue_staff_token(personas["other_street"], actor=COMMAND)),
        "no_token": client_for(None),
        "bad_token": client_for("gyp_AAAAAAAA_not-a-real-secret"),
        "revoked_token": client_for(revoked),
    }


@pytest.fixture
def member_no(callers):
    response = callers["partner"].post("/api/v1/join", worker_data(900), format="json")
    assert response.status_code == 201
    return response.json()["member_no"]


@pytest.fixture
def campaign_id(world):
    return create_campaign(clean_campaign(campaign_data()), org=world.street_fed, actor=COMMAND).pk


@pytest.fixture
def funds(world):
    street = open_account(world.street_fed, "union_street", actor=COMMAND)
    service = open_account(world.street_fed, "member_service", actor=COMMAND)
    record_opening_balance(street, clean_posting({"amount_fen": 1000_00}), actor=COMMAND)
    return street, service


def _fund_request(client, endpoint, method, seq, funds):
    street, service = funds
    if endpoint == "fund_transactions":
        body = {"from_account": street.pk, "to_account": service.pk, "amount_fen": seq}
        return getattr(client, method)("/api/v1/funds/transactions", body, format="json")
    if endpoint == "fund_reverse":
        txn = post_transaction(street, service, clean_posting({"amount_fen": seq}), actor=COMMAND).transaction
        return getattr(client, method)(f"/api/v1/funds/transactions/{txn.pk}/reverse", {}, format="json")
    path = {"fund_accounts": "accounts", "fund_trial_balance": "trial-balance"}[endpoint]
    return getattr(client, method)(f"/api/v1/funds/{path}", format="json")


def _case_request(client, endpoint, method, seq, world):
    if endpoint == "cases":
        body = {"type": "complaint", "name": "王五", "phone": "13800138000", "title": f"投诉{seq}", "description": "说明"}
        return getattr(client, method)("/api/v1/cases", body, format="json")
    case = submit_case(
        clean_case({"type": "complaint", "name": "王五", "phone": "13800138000", "title": "投诉", "description": "说明",
                    "station_code": world.station.code}),
        channel="staff",
        actor=COMMAND,
    )
    if endpoint == "case":
        return getattr(client, method)(f"/api/v1/cases/{case.case_no}", format="json")
    return getattr(client, method)(f"/api/v1/cases/{case.case_no}/actions", {"action": "accept"}, format="json")


def _request(client, endpoint, method, member_no, seq, campaign_id):
    if endpoint == "benefit_campaigns":
        return getattr(client, method)("/api/v1/benefits/campaigns", campaign_data(title=f"活动{seq}"), format="json")
    if endpoint == "benefit_claims":
        body = {"campaign_id": campaign_id, "member_no": member_no}
        return getattr(client, method)("/api/v1/benefits/claims", body, format="json")
    if endpoint == "insight_served":
        return getattr(client, method)("/api/v1/insight/served", format="json")
    if endpoint == "insight_unionless":
        return getattr(client, method)("/api/v1/insight/unionless?limit=5", format="json")
    if endpoint == "insight_kpis":
        return getattr(client, method)("/api/v1/insight/kpis?from=2026-01&to=2026-03", format="json")
    if endpoint == "insight_kpis_street":
        return getattr(client, method)("/api/v1/insight/kpis?region=310104014", format="json")
    if endpoint == "insight_ranking":
        return getattr(client, method)("/api/v1/insight/ranking?period=2026", format="json")
    if endpoint == "roster":
        return getattr(client, method)("/api/v1/partner/roster", {"workers": []}, format="json")
    if endpoint == "join":
        return getattr(client, method)("/api/v1/join", worker_data(seq), format="json")
    if endpoint == "member":
        return getattr(client, method)(f"/api/v1/members/{member_no}", format="json")
    return getattr(client, method)("/api/v1/stations/nearby?lng=121.437&lat=31.195", format="json")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_permission_matrix(world, callers, member_no, campaign_id, funds, endpoint, caller):
    for seq, method in enumerate(METHODS, start=1):
        expected = MATRIX[endpoint][caller][method]
        if endpoint.startswith("case"):
            response = _case_request(callers[caller], endpoint, method, seq, world)
        elif endpoint.startswith("fund_"):
            response = _fund_request(callers[caller], endpoint, method, seq, funds)
        else:
            response = _request(callers[caller], endpoint, method, member_no, seq, campaign_id)
        assert response.status_code == expected, f"{method.upper()} {endpoint} as {caller}"
        if expected >= 400:
            errors = response.json()["errors"]
            assert errors and all({"code", "message"} <= set(item) for items in errors.values() for item in items)
        if expected == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_matrix_covers_every_api_url():
    from gongyou.api import urls

    # insight_kpis_street is the kpis URL again, asked for one street (a second row, same route).
    assert {p.name for p in urls.urlpatterns} == set(MATRIX) - {"insight_kpis_street"}
    assert all(set(MATRIX[e]) == set(CALLERS) for e in MATRIX)
