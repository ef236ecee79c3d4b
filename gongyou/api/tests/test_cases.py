"""The staff case endpoints answer as the issue 9 contract says."""

from __future__ import annotations

import pytest

from gongyou.api.tests.conftest import client_for
from gongyou.cases.models import Case
from gongyou.core.actors import COMMAND
from gongyou.core.services import issue_staff_token


@pytest.fixture
def staff(personas):
    return client_for(issue_staff_token(personas["street"], actor=COMMAND))


def _create(staff, **overrides):
    body = {"type": "dispute", "name": "王五", "phone": "13800138000", "title": "欠薪", "description": "两个月"}
    body.update(overrides)
    return staff.post("/api/v1/cases", body, format="json")


def test_create_for_a_member_or_a_non_member(staff, world, make_member):
    member = make_member(301)
    response = _create(staff, name=None, phone=None, member_no=member.member_no)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "case_no", "type", "status", "assigned_org", "due_at", "warning_level"}
    assert body["assigned_org"] == {"id": member.org_id, "name": member.org.name} and body["status"] == "submitted"
    red = _create(staff, enterprise_uscc=world.agent.uscc, workers_involved=5, amount_fen=10_000_000).json()
    assert red["warning_level"] == "red" and red["assigned_org"]["id"] == world.street_fed.pk


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": None, "phone": None}, "member_no", "worker_required"),
        ({"phone": "123"}, "phone", "phone_wrong_length"),
        ({"member_no": "GY0000000000000"}, "member_no", "invalid_member_no"),
        ({"type": "wish"}, "type", "invalid_choice"),
        ({"amount_fen": 12.5}, "amount_fen", "invalid_number"),
        ({"amount_fen": -1}, "amount_fen", "invalid_number"),
        ({"collective_action": "maybe"}, "collective_action", "invalid_boolean"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_is_a_400_in_the_one_shape(staff, world, overrides, field, code):
    response = _create(staff, **overrides)
    assert response.status_code == 400
    assert code in [e["code"] for e in response.json()["errors"][field]]
    assert not Case.objects.exists()


def test_actions_history_and_invalid_transition(staff, world):
    case_no = _create(staff, street_code=world.street.code).json()["case_no"]
    url = f"/api/v1/cases/{case_no}/actions"
    assert staff.post(url, {"action": "resolve"}, format="json").status_code == 409
    conflict = staff.post(url, {"action": "close"}, format="json")
    assert conflict.status_code == 409 and conflict.json()["errors"]["action"][0]["code"] == "invalid_transition"
    assert staff.post(url, {"action": "accept", "note": "已受理"}, format="json").status_code == 200
    missing = staff.post(url, {"action": "refer"}, format="json")
    assert missing.status_code == 400 and "department" in missing.json()["errors"]
    referred = staff.post(url, {"action": "refer", "department": "legal_aid_centre"}, format="json")
    assert referred.status_code == 200 and referred.json()["status"] == "in_progress"
    body = staff.post(url, {"action": "resolve", "note": "已追回"}, format="json").json()
    assert body["status"] == "resolved" and body["due_at"] is None
    history = staff.get(f"/api/v1/cases/{case_no}").json()["history"]
    assert [h["action"] for h in history] == ["submit", "accept", "refer", "resolve"]
    assert history[1]["org"] == {"id": world.street_fed.pk, "name": world.street_fed.name} and history[1]["at"]
    assert staff.post(url, {"action": "reopen"}, format="json").json()["status"] == "in_progress"
    assert staff.get("/api/v1/cases/SQ2026000000001").status_code == 404
