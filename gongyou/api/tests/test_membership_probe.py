"""Issue 14, item 4: a partner must not learn whether someone is a member from their ID number
alone — not by a roster row under a wrong name, not by an inactive row, not by counting member
numbers, not by guessing tokens."""

import pytest

from gongyou.api.auth import FailureThrottle
from gongyou.api.tests.conftest import client_for, roster_row
from gongyou.core.testing import worker_data
from gongyou.members.models import Membership, RosterEntry
from gongyou.members.numbers import DIGITS, is_valid_member_no, legacy_member_no

ROSTER = "/api/v1/partner/roster"


@pytest.fixture
def someones_member_no(world, other_api):
    """A member who joined through another platform: the probing partner has no link to them."""
    return other_api.post("/api/v1/join", worker_data(5, name="王五"), format="json").json()["member_no"]


def test_a_roster_row_with_a_wrong_name_is_rejected(world, api, someones_member_no):
    row = roster_row(5, name="随便写", active=False)
    body = api.post(ROSTER, {"workers": [row, roster_row(6)]}, format="json").json()
    assert body["created"] == 1
    assert body["rejected"][0]["errors"]["name"][0]["code"] == "name_mismatch"
    assert not RosterEntry.objects.filter(external_id="rider-5").exists()
    assert api.get(f"/api/v1/members/{someones_member_no}").status_code == 404


def test_an_inactive_roster_row_gives_no_read_right(world, api, someones_member_no):
    # Even with the right name: "no longer works here" is no relationship.
    body = api.post(ROSTER, {"workers": [roster_row(5, name="王五", active=False)]}, format="json").json()
    assert body["created"] == 1
    assert api.get(f"/api/v1/members/{someones_member_no}").status_code == 404
    api.post(ROSTER, {"workers": [roster_row(5, name="王五", active=True)]}, format="json")
    assert api.get(f"/api/v1/members/{someones_member_no}").status_code == 200


def test_new_member_numbers_are_random_and_checked(world, api):
    numbers = [api.post("/api/v1/join", worker_data(seq), format="json").json()["member_no"] for seq in (1, 2, 3)]
    pks = sorted(Membership.objects.values_list("pk", flat=True))
    assert all(is_valid_member_no(n) and len(n) == 2 + DIGITS + 1 for n in numbers)
    assert not set(numbers) & {legacy_member_no(pk) for pk in pks}
    bodies = sorted(int(n[2:-1]) for n in numbers)
    assert bodies[-1] - bodies[0] > 1000  # not consecutive (a chance of one in 10^8 to be wrong)


def test_existing_sequential_numbers_keep_working(world, api):
    body = api.post("/api/v1/join", worker_data(1), format="json").json()
    membership = Membership.objects.get(member_no=body["member_no"])
    old = legacy_member_no(membership.pk)
    Membership.objects.filter(pk=membership.pk).update(member_no=old)
    response = api.get(f"/api/v1/members/{old}")
    assert response.status_code == 200 and response.json()["member_no"] == old


def test_unknown_member_numbers_are_rate_limited_per_client(world, api, other_api, monkeypatch):
    monkeypatch.setattr(FailureThrottle, "THROTTLE_RATES", {"failures": "3/min"})
    known = api.post("/api/v1/join", worker_data(1), format="json").json()["member_no"]
    for seq in range(3):
        assert api.get(f"/api/v1/members/{legacy_member_no(900 + seq)}").status_code == 404
    response = api.get(f"/api/v1/members/{known}")
    assert response.status_code == 429
    assert response.json()["errors"]["detail"][0]["code"] == "throttled"
    # Another client address is not affected.
    assert api.get(f"/api/v1/members/{known}", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_bad_tokens_are_rate_limited_per_client(world, token, monkeypatch):
    monkeypatch.setattr(FailureThrottle, "THROTTLE_RATES", {"failures": "3/min"})
    scheme, prefix, secret = token.split("_")
    for guess in range(3):
        bad = client_for(f"{scheme}_{prefix}_{str(guess) * len(secret)}")
        assert bad.get("/api/v1/members/GY0000000011").status_code == 401
    # Now even the right token from this address waits: the guesser cannot tell a hit.
    response = client_for(token).get("/api/v1/members/GY0000000011")
    assert response.status_code == 429
    assert response.json()["errors"]["detail"][0]["code"] == "throttled"
    assert "Retry-After" in response
    other = client_for(f"{scheme}_{prefix}_{'z' * len(secret)}").get("/api/v1/members/x", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 401
