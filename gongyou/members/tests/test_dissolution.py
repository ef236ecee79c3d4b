"""Dissolving and merging unions keep every member in an org (seed §二(一)3: 兜底)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Org
from gongyou.core.services import create_org
from gongyou.members.dissolution import dissolve_org, merge_orgs
from gongyou.members.models import Membership, MembershipEvent


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e.code for errs in exc.value.error_dict.values() for e in errs}


@pytest.fixture
def members(world):
    found = [join_worker(800 + i) for i in range(3)]
    assert {m.org_id for m in found} == {world.street_union_food.pk}
    assert {m.status for m in found} == {"active"}
    # The station union hangs under 徐家汇街道外卖行业工会: out of the way first (it is empty).
    dissolve_org(world.station_union, actor=COMMAND, reason="站点关闭")
    return found


def test_a_union_with_members_is_not_dissolved_without_somewhere_to_move_them(world, members):
    with pytest.raises(ValidationError) as exc:
        dissolve_org(world.street_union_food, actor=COMMAND, reason="撤销")
    assert codes(exc) == {"has_members"}
    assert Org.objects.get(pk=world.street_union_food.pk).status == "active"


def test_dissolving_with_a_transfer_moves_every_member_first(world, members):
    dissolve_org(world.street_union_food, actor=COMMAND, reason="撤销", transfer_to=world.street_union_express)
    assert Org.objects.get(pk=world.street_union_food.pk).status == "dissolved"
    assert set(Membership.objects.filter(pk__in=[m.pk for m in members]).values_list("org", "status")) == {
        (world.street_union_express.pk, "active")
    }
    assert not Membership.objects.filter(org=world.street_union_food, status__in=Membership.OPEN_STATUSES).exists()
    assert MembershipEvent.objects.filter(membership=members[0], kind="transfer_accepted").exists()
    assert AuditLog.objects.filter(action="org.dissolve", object_id=str(world.street_union_food.pk)).exists()


def test_an_empty_union_is_dissolved_as_it_is(world):
    empty = create_org(name="空工会", kind=Org.Kind.STREET_UNION, region=world.street, parent=world.street_fed,
                       founded_on=dt.date(2024, 1, 1), actor=COMMAND)
    assert dissolve_org(empty, actor=COMMAND, reason="无会员").status == "dissolved"


def test_merging_moves_members_and_records_the_merge(world, members):
    merge_orgs(world.street_union_food, world.street_union_express, actor=COMMAND, reason="合并")
    assert not Membership.objects.filter(org=world.street_union_food, status__in=Membership.OPEN_STATUSES).exists()
    assert Membership.objects.filter(org=world.street_union_express, status="active").count() == 3
    entry = AuditLog.objects.get(action="org.merge")
    assert entry.related_org_id == world.street_union_express.pk and entry.after["merged_into"] == world.street_union_express.pk


@pytest.mark.parametrize(
    ("who", "to", "code"),
    [
        ("street_fed", "other_street_union", "has_children"),  # its sub-unions would be orphaned
        ("street_union_food", "street_union_food", "same_org"),
    ],
)
def test_refusals(world, members, who, to, code):
    if who == "street_fed":
        assert Org.objects.filter(parent=world.street_fed, status="active").exists()
    with pytest.raises(ValidationError) as exc:
        dissolve_org(getattr(world, who), actor=COMMAND, reason="x", transfer_to=getattr(world, to))
    assert code in codes(exc)


def test_a_pending_application_blocks_dissolution(world, members):
    Membership.objects.filter(pk=members[0].pk).update(status="applied")
    with pytest.raises(ValidationError) as exc:
        dissolve_org(world.street_union_food, actor=COMMAND, reason="x", transfer_to=world.street_union_express)
    assert codes(exc) == {"pending_members"}


def test_a_dissolved_union_cannot_take_members(world, members):
    dissolve_org(world.street_union_food, actor=COMMAND, reason="x", transfer_to=world.street_union_express)
    with pytest.raises(ValidationError) as exc:
        dissolve_org(world.street_union_express, actor=COMMAND, reason="x", transfer_to=world.street_union_food)
    assert codes(exc) == {"org_inactive"}


def test_a_dual_manager_is_not_dissolved_while_it_manages_a_station_union(world):
    with pytest.raises(ValidationError) as exc:
        dissolve_org(world.agent_union, actor=COMMAND, reason="x", transfer_to=world.street_union_food)
    assert "has_children" in codes(exc)
