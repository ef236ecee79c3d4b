import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Transfer
from gongyou.members.services import join
from gongyou.members.transfers import (
    accept_transfer,
    auto_accept_due_transfers,
    cancel_transfer,
    reject_transfer,
    request_transfer,
)
from gongyou.members.work import WorkContext


@pytest.fixture
def member(world):
    return join(clean_worker(worker_data(1)), channel="online", actor=Actor.worker()).membership


def codes(exc):
    return [e.code for errs in exc.value.error_dict.values() for e in errs]


def test_request_keeps_member_with_old_org_until_accepted(world, member):
    t = request_transfer(member, world.other_street_union, initiator="member", actor=Actor.worker(), reason="换站点")
    member.refresh_from_db()
    assert member.org == world.street_union_food and member.status == "transferring"
    accept_transfer(t, actor=COMMAND)
    member.refresh_from_db()
    assert member.org == world.other_street_union and member.status == "active"
    kinds = list(member.events.values_list("kind", flat=True))
    assert kinds == ["joined", "transfer_requested", "transfer_accepted"]
    event = member.events.last()
    assert event.from_org == world.street_union_food and event.to_org == world.other_street_union


def test_reject_returns_member_to_old_org(world, member):
    t = request_transfer(member, world.other_street_union, initiator="old_org", actor=COMMAND)
    with pytest.raises(ValidationError):
        reject_transfer(t, actor=COMMAND, note="")
    reject_transfer(t, actor=COMMAND, note="不在本街道工作")
    member.refresh_from_db()
    assert member.org == world.street_union_food and member.status == "active"
    assert Transfer.objects.get().status == "rejected"


def test_cancel_by_old_org(world, member):
    t = request_transfer(member, world.other_street_union, initiator="old_org", actor=COMMAND)
    cancel_transfer(t, actor=COMMAND)
    member.refresh_from_db()
    assert member.status == "active"


def test_only_one_pending_transfer(world, member):
    request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND)
    with pytest.raises(ValidationError) as info:
        request_transfer(member, world.street_union_express, initiator="new_org", actor=COMMAND)
    assert "transfer_pending" in codes(info)


def test_cannot_transfer_to_same_org_or_decide_twice(world, member):
    with pytest.raises(ValidationError) as info:
        request_transfer(member, world.street_union_food, initiator="member", actor=COMMAND)
    assert "same_org" in codes(info)
    t = request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND)
    accept_transfer(t, actor=COMMAND)
    with pytest.raises(ValidationError) as info:
        reject_transfer(t, actor=COMMAND, note="迟到的退回")
    assert "already_decided" in codes(info)


def test_auto_accept_after_configured_days(world, member, settings):
    settings.GONGYOU = {**settings.GONGYOU, "TRANSFER_AUTO_ACCEPT_DAYS": 10}
    t = request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND)
    assert auto_accept_due_transfers(now=timezone.now() + dt.timedelta(days=9)) == 0
    assert auto_accept_due_transfers(now=timezone.now() + dt.timedelta(days=10, minutes=1)) == 1
    t.refresh_from_db()
    assert t.status == "accepted" and t.decided_by == "system"
    member.refresh_from_db()
    assert member.org == world.other_street_union


def test_accept_applies_new_work_context(world, member):
    ctx = WorkContext(street=world.other_street, industry="express", labor_relation="independent")
    t = request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND, new_context=ctx)
    accept_transfer(t, actor=COMMAND)
    member.person.refresh_from_db()
    assert member.person.work_street == world.other_street and member.person.industry == "express"


def test_auto_accept_command(world, member):
    from django.core.management import call_command

    t = request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND)
    Transfer.objects.filter(pk=t.pk).update(auto_accept_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("auto_accept_transfers")
    assert Membership.objects.get(pk=member.pk).org == world.other_street_union
