"""Insurance pages: the insured list masked by default; full ID numbers only for an admin of
the organiser's side, with a reason, audited."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gongyou.benefits.inputs import clean_plan
from gongyou.benefits.insurance import create_plan, enrol_member, set_plan_status
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog, StaffProfile
from gongyou.core.services import create_staff


@pytest.fixture
def plan(world, make_member):
    plan = create_plan(clean_plan(plan_data()), org=world.street_fed, actor=COMMAND)
    set_plan_status(plan, "open", actor=COMMAND)
    plan.refresh_from_db()
    member = make_member(1)
    roster(world, member, 1)
    enrol_member(plan, member, channel="worker", consent_version="2026-11", actor=Actor.worker())
    return plan


def rows(response):
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))


def test_the_insured_list_is_masked(client, personas, plan):
    client.force_login(personas["street"])
    assert plan.name in client.get("/console/insurance/").content.decode()
    [row] = rows(client.get(f"/console/insurance/{plan.pk}/insured/"))
    assert "*" in row[3] and "*" in row[4]


@pytest.mark.parametrize(
    ("persona", "status"), [("street", 403), ("viewer", 403), ("other_street", 403)]
)  # non-admins: refused before any lookup
def test_the_full_list_is_for_admins_only(client, personas, plan, persona, status):
    client.force_login(personas[persona])
    assert client.post(f"/console/insurance/{plan.pk}/insured/full/", {"reason": "投保"}).status_code == status
    assert not AuditLog.objects.filter(action="reveal.insured_list").exists()


def test_an_admin_exports_the_full_list_with_a_reason_audited(client, world, plan, passed_second_factor):
    admin = create_staff(
        username="admin", password="x", org=world.street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND
    )
    client.force_login(admin)
    passed_second_factor(client)
    url = f"/console/insurance/{plan.pk}/insured/full/"
    assert client.post(url, {"reason": " "}).status_code == 400
    [row] = rows(client.post(url, {"reason": "向承保机构投保"}))
    assert "*" not in row[3] and len(row[3]) == 18
    entry = AuditLog.objects.get(action="reveal.insured_list")
    assert (entry.reason, entry.actor_label) == ("向承保机构投保", "staff:admin")


def test_outside_the_organisers_side_the_list_is_refused(client, world, personas, plan):
    client.force_login(personas["station"])  # below the organiser: sees the plan, may not take the list
    assert client.get(f"/console/insurance/{plan.pk}/insured/").status_code == 403
    client.force_login(personas["other_street"])
    assert client.get(f"/console/insurance/{plan.pk}/insured/").status_code == 404
