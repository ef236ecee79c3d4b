"""Founding unions of every kind from an org's page (the kinds create_org allows under it, with
the enterprise, station and second manager where the kind has one); founding an enterprise's
union closes its founding task and offers its individual members' bulk transfer; editing an
org's name, founding data and approval setting (audited)."""

from __future__ import annotations

import pytest

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Org
from gongyou.members.models import FoundingTask
from gongyou.members.services import open_founding_task


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def test_the_page_offers_exactly_the_kinds_allowed_under_the_org(street_client, world):
    html = street_client.get(f"/console/orgs/{world.street_fed.pk}/").content.decode()
    for kind in ("street_union", "joint_union", "enterprise_union", "hq_union", "agent_union", "station_union"):
        assert f'<option value="{kind}">' in html
    for kind in ("district_federation", "street_federation", "industry_federation", "city_federation"):
        assert f'<option value="{kind}">' not in html


def test_a_street_officer_founds_a_joint_union_with_its_founding_data(street_client, world):
    response = street_client.post(
        f"/console/orgs/{world.street_fed.pk}/create/",
        {
            "kind": "joint_union",
            "name": "徐家汇快递联合工会",
            "founding_mode": "joint",
            "founded_on": "2026-03-01",
            "region": world.street.pk,
            "industry": "express",
        },
    )
    org = Org.objects.get(name="徐家汇快递联合工会")
    assert response["Location"] == f"/console/orgs/{org.pk}/"
    assert (org.kind, org.parent, org.region, org.founding_mode, str(org.founded_on), org.industry) == (
        "joint_union",
        world.street_fed,
        world.street,
        "joint",
        "2026-03-01",
        "express",
    )


def test_a_kind_not_allowed_under_the_org_is_refused(street_client, world):
    street_client.post(
        f"/console/orgs/{world.street_fed.pk}/create/", {"kind": "district_federation", "name": "假区总"}
    )
    assert not Org.objects.filter(name="假区总").exists()


def test_founding_an_enterprise_union_closes_its_task_and_offers_the_bulk_transfer(street_client, world):
    for seq in range(2):
        join_worker(
            700 + seq, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express"
        )
    task, _ = open_founding_task(world.no_union_enterprise, federation=world.street_fed, actor=COMMAND)
    street_client.post(
        f"/console/orgs/{world.street_fed.pk}/create/",
        {
            "kind": "enterprise_union",
            "name": "无工会快递工会",
            "enterprise": world.no_union_enterprise.pk,
            "founding_mode": "single",
            "founded_on": "2026-04-01",
        },
    )
    org = Org.objects.get(name="无工会快递工会")
    assert org.enterprise == world.no_union_enterprise and org.region == world.no_union_enterprise.street
    task.refresh_from_db()
    assert task.status == FoundingTask.Status.CLOSED
    html = street_client.get(f"/console/orgs/{org.pk}/").content.decode()
    assert f"/console/transfers/bulk/?enterprise={world.no_union_enterprise.pk}" in html
    # An enterprise that already has a union is not offered again.
    street_client.post(
        f"/console/orgs/{world.street_fed.pk}/create/",
        {"kind": "enterprise_union", "name": "第二个工会", "enterprise": world.no_union_enterprise.pk},
    )
    assert not Org.objects.filter(name="第二个工会").exists()


def test_a_station_union_needs_its_station_and_second_manager(street_client, world):
    street_client.post(
        f"/console/orgs/{world.street_union_express.pk}/create/",
        {"kind": "station_union", "name": "漕河泾站分工会", "station": world.bare_station.pk},
    )
    assert not Org.objects.filter(name="漕河泾站分工会").exists()  # no second manager


def test_editing_an_org_is_audited(street_client, world):
    org = world.street_union_express
    response = street_client.post(
        f"/console/orgs/{org.pk}/edit/",
        {"name": "徐家汇快递工会", "founding_mode": "industry", "founded_on": "2024-05-01", "approval_required": "1"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.founding_mode, str(org.founded_on), org.approval_required) == (
        "徐家汇快递工会",
        "industry",
        "2024-05-01",
        True,
    )
    entry = AuditLog.objects.get(action="org.update", object_id=str(org.pk))
    assert entry.after["name"] == "徐家汇快递工会" and entry.before["name"] != entry.after["name"]
    street_client.post(
        f"/console/orgs/{org.pk}/edit/", {"name": "x", "founding_mode": "single", "founded_on": "2999-01-01"}
    )
    org.refresh_from_db()
    assert org.name == "徐家汇快递工会"  # a founding date in the future is refused
