"""The staff benefits and insight endpoints, code by code (issue 8 contract)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from gongyou.api.tests.conftest import client_for
from gongyou.benefits.models import Campaign, Claim
from gongyou.benefits.services import close_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, StaffToken
from gongyou.core.services import issue_staff_token, revoke_staff_token
from gongyou.members.cards import card_token
from gongyou.members.models import Membership


@pytest.fixture
def staff_api(personas):
    def make(name):
        return client_for(issue_staff_token(personas[name], actor=COMMAND))

    return make


def codes(response, field):
    return [e["code"] for e in response.json()["errors"][field]]


def test_list_shows_campaigns_of_own_org_above_and_in_scope(
    world, staff_api, make_campaign, django_assert_max_num_queries
):
    mine, above, below = (
        make_campaign(org=world.street_fed),
        make_campaign(org=world.city),
        make_campaign(org=world.station_union),
    )
    elsewhere = make_campaign(org=world.other_street_fed)
    client = staff_api("street")
    make_campaign(org=world.street_union_food)  # one more row costs no query
    with django_assert_max_num_queries(3):  # the token, its last use, the campaigns
        response = client.get("/api/v1/benefits/campaigns")
    assert response.status_code == 200
    ids = {c["id"] for c in response.json()["results"]}
    assert {mine.pk, above.pk, below.pk} < ids and elsewhere.pk not in ids and len(ids) == 4
    item = next(c for c in response.json()["results"] if c["id"] == mine.pk)
    assert item == {
        "id": mine.pk, "kind": "summer_cooling", "title": "夏日送清凉", "org": {"id": world.street_fed.pk, "name": world.street_fed.name},
        "starts_at": mine.starts_at.isoformat(), "ends_at": mine.ends_at.isoformat(), "status": "published", "quota": 100, "handed_out": 0,
    }  # fmt: skip


def test_create_defaults_to_own_org_and_published(world, staff_api):
    body = campaign_data(
        title="冬季送温暖",
        kind="winter_warmth",
        audience={
            "industries": ["food_delivery"],
            "region_codes": ["310104"],
            "labor_relations": [],
            "min_member_days": 30,
        },
    )
    response = staff_api("street").post("/api/v1/benefits/campaigns", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["org"]["id"], data["status"], data["handed_out"], data["kind"]) == (
        world.street_fed.pk,
        "published",
        0,
        "winter_warmth",
    )
    campaign = Campaign.objects.get(pk=data["id"])
    assert (campaign.industries, campaign.region_codes, campaign.min_member_days) == (["food_delivery"], ["310104"], 30)
    assert AuditLog.objects.get(action="campaign.create", object_id=str(campaign.pk)).actor_label == "staff:street"


def test_create_a_draft_for_an_org_in_scope(world, staff_api):
    body = campaign_data(status="draft", org_id=world.station_union.pk)
    response = staff_api("street").post("/api/v1/benefits/campaigns", body, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    assert response.json()["org"]["id"] == world.station_union.pk


def test_create_for_an_org_out_of_scope_is_404(world, staff_api):
    for org in (world.other_street_fed, world.city):
        response = staff_api("street").post("/api/v1/benefits/campaigns", campaign_data(org_id=org.pk), format="json")
        assert response.status_code == 404
    assert (
        staff_api("street").post("/api/v1/benefits/campaigns", campaign_data(org_id=999999), format="json").status_code
        == 404
    )
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "party"}, "kind", "bad_kind"),
        ({"title": ""}, "title", "required"),
        ({"starts_at": "tomorrow"}, "starts_at", "invalid"),
        ({"ends_at": "2000-01-01T00:00:00+08:00"}, "ends_at", "before_start"),
        ({"quota": -1}, "quota", "invalid"),
        ({"quota": 1.5}, "quota", "invalid"),
        ({"status": "closed"}, "status", "bad_status"),
        ({"audience": {"region_codes": ["3101"]}}, "region_codes", "unknown_region"),
        ({"audience": {"industries": ["piracy"]}}, "industries", "bad_choice"),
        ({"org_id": "x"}, "org_id", "invalid"),
    ],
)
def test_create_refuses_bad_input(world, staff_api, overrides, field, code):
    response = staff_api("street").post("/api/v1/benefits/campaigns", campaign_data(**overrides), format="json")
    assert response.status_code == 400
    assert code in codes(response, field)
    assert not Campaign.objects.exists()


def test_a_viewer_cannot_create_and_nothing_is_looked_up(world, staff_api, django_assert_max_num_queries):
    client = staff_api("viewer")
    with django_assert_max_num_queries(4):  # the token and the profile, nothing about campaigns
        response = client.post(
            "/api/v1/benefits/campaigns", campaign_data(org_id=world.other_street_fed.pk), format="json"
        )
    assert response.status_code == 403 and codes(response, "detail") == ["read_only"]
    assert client.get("/api/v1/benefits/campaigns").status_code == 200


# --- claims --------------------------------------------------------------------------------------


def claim(client, **body):
    return client.post("/api/v1/benefits/claims", body, format="json")


def test_claim_by_member_number_and_by_card(world, staff_api, make_campaign, make_member):
    campaign = make_campaign(org=world.street_fed)
    a, b = make_member(1), make_member(2)
    response = claim(staff_api("station"), campaign_id=campaign.pk, member_no=a.member_no)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"id", "campaign_id", "member_no", "claimed_at"}
    assert (data["campaign_id"], data["member_no"]) == (campaign.pk, a.member_no)
    stored = Claim.objects.get(pk=data["id"])
    assert stored.org == world.station_union and stored.claimed_at.isoformat() == data["claimed_at"]
    card = f"https://gongyou.example/verify/{card_token(b.pk)}/"
    response = claim(staff_api("station"), campaign_id=campaign.pk, card=card)
    assert response.status_code == 201 and response.json()["member_no"] == b.member_no


def test_already_claimed_names_date_and_place(world, staff_api, make_campaign, make_member):
    campaign = make_campaign(org=world.city)
    m = make_member(1)
    assert claim(staff_api("station"), campaign_id=campaign.pk, member_no=m.member_no).status_code == 201
    response = claim(staff_api("street"), campaign_id=campaign.pk, member_no=m.member_no)
    assert response.status_code == 409
    error = response.json()["errors"]["member"][0]
    assert error["code"] == "already_claimed"
    assert world.station_union.name in error["message"] and f"{timezone.localdate():%Y-%m-%d}" in error["message"]


def test_quota_exhausted(world, staff_api, make_campaign, make_member):
    campaign = make_campaign(org=world.street_fed, quota=1)
    assert claim(staff_api("street"), campaign_id=campaign.pk, member_no=make_member(1).member_no).status_code == 201
    response = claim(staff_api("street"), campaign_id=campaign.pk, member_no=make_member(2).member_no)
    assert response.status_code == 409 and codes(response, "campaign_id") == ["quota_exhausted"]


@pytest.mark.parametrize(
    ("audience", "reason"),
    [
        ({"industries": ["express"]}, "industry"),
        ({"region_codes": ["310101"]}, "region"),
        ({"labor_relations": ["employee"]}, "labor_relation"),
        ({"min_member_days": 30}, "too_new"),
        ({}, "status"),
    ],
)
def test_not_eligible_carries_the_reason(world, staff_api, make_campaign, make_member, audience, reason):
    campaign = make_campaign(org=world.street_fed, audience=audience)
    m = make_member(1)
    if reason == "status":
        Membership.objects.filter(pk=m.pk).update(status="suspended")
    response = claim(staff_api("street"), campaign_id=campaign.pk, member_no=m.member_no)
    assert response.status_code == 400
    error = response.json()["errors"]["member"][0]
    assert (error["code"], error["reason"]) == ("not_eligible", reason) and error["message"]


def test_campaign_closed(world, staff_api, make_campaign, make_member):
    m = make_member(1)
    now = timezone.now()
    ended = make_campaign(
        org=world.street_fed,
        starts_at=(now - dt.timedelta(days=9)).isoformat(),
        ends_at=(now - dt.timedelta(days=1)).isoformat(),
    )
    closed = make_campaign(org=world.street_fed)
    close_campaign(closed, actor=COMMAND)
    draft = make_campaign(org=world.street_fed, status="draft")
    for campaign in (ended, closed, draft):
        response = claim(staff_api("street"), campaign_id=campaign.pk, member_no=m.member_no)
        assert response.status_code == 400 and codes(response, "campaign_id") == ["campaign_closed"]


def test_card_invalid_and_expired(world, staff_api, make_campaign, make_member):
    campaign = make_campaign(org=world.street_fed)
    m = make_member(1)
    response = claim(staff_api("street"), campaign_id=campaign.pk, card="https://x/verify/garbage/")
    assert response.status_code == 400 and codes(response, "card") == ["card_invalid"]
    token = card_token(m.pk)
    real = time.time
    try:
        time.time = lambda: real() + 600  # the card was shown ten minutes ago
        response = claim(staff_api("street"), campaign_id=campaign.pk, card=token)
    finally:
        time.time = real
    assert response.status_code == 400 and codes(response, "card") == ["card_expired"]
    assert not Claim.objects.exists()


def test_bad_claim_bodies(world, staff_api, make_campaign):
    campaign = make_campaign(org=world.street_fed)
    client = staff_api("street")
    assert codes(claim(client, member_no="GY1"), "campaign_id") == ["required"]
    assert codes(claim(client, campaign_id="1", member_no="GY1"), "campaign_id") == ["invalid"]
    assert codes(claim(client, campaign_id=campaign.pk), "member") == ["required"]
    response = claim(client, campaign_id=campaign.pk, member_no="NOPE")
    assert response.status_code == 400 and codes(response, "member_no") == ["member_not_found"]


def test_a_campaign_out_of_scope_is_404_and_a_viewer_403_first(world, staff_api, make_campaign, make_member):
    campaign = make_campaign(org=world.street_fed)
    m = make_member(1)
    assert claim(staff_api("other_street"), campaign_id=campaign.pk, member_no=m.member_no).status_code == 404
    assert claim(staff_api("street"), campaign_id=999999, member_no=m.member_no).status_code == 404
    response = claim(staff_api("viewer"), campaign_id=999999, member_no=m.member_no)
    assert response.status_code == 403
    assert not Claim.objects.exists()


# --- auth ----------------------------------------------------------------------------------------


def test_a_revoked_token_is_401(personas, world):
    token = issue_staff_token(personas["street"], actor=COMMAND)
    revoke_staff_token(StaffToken.objects.get(prefix=token.split("_")[1]), actor=COMMAND)
    response = client_for(token).get("/api/v1/benefits/campaigns")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert codes(response, "auth") == ["invalid_token"]
    assert codes(client_for(None).get("/api/v1/insight/served"), "auth") == ["token_required"]


def test_a_partner_token_is_not_a_staff_token(world, token):
    assert client_for(token).get("/api/v1/benefits/campaigns").status_code == 401


# --- people served -------------------------------------------------------------------------------


def test_people_served_for_the_token_users_scope(world, staff_api, make_campaign, make_member):
    a, b = make_member(1), make_member(2)
    first, second = make_campaign(org=world.city), make_campaign(org=world.city, kind="safety")
    for m in (a, b):
        assert claim(staff_api("street"), campaign_id=first.pk, member_no=m.member_no).status_code == 201
    assert claim(staff_api("street"), campaign_id=second.pk, member_no=a.member_no).status_code == 201
    response = staff_api("street").get("/api/v1/insight/served")
    assert response.json() == {"people_served": 2, "events": 3, "by_kind": {"handout": 2}}
    assert staff_api("other_street").get("/api/v1/insight/served").json() == {
        "people_served": 0,
        "events": 0,
        "by_kind": {},
    }
    today = timezone.localdate()
    assert staff_api("city").get(f"/api/v1/insight/served?from={today}&to={today}").json()["people_served"] == 2
    yesterday = today - dt.timedelta(days=1)
    assert staff_api("city").get(f"/api/v1/insight/served?to={yesterday}").json()["people_served"] == 0


def test_people_served_refuses_bad_dates(world, staff_api):
    client = staff_api("street")
    assert codes(client.get("/api/v1/insight/served?from=2026-13-01"), "from") == ["invalid"]
    assert codes(client.get("/api/v1/insight/served?from=2026-02-02&to=2026-02-01"), "to") == ["before_start"]
