import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
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
    cancel_transfer(t, by="old_org", actor=COMMAND)
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


# --- who started it, who may withdraw it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("initiator", "allowed", "refused"),
    [
        ("member", ["member"], ["old_org", "new_org"]),
        ("old_org", ["old_org"], ["member", "new_org"]),
        ("new_org", ["new_org"], ["member", "old_org"]),
        ("system", ["old_org"], ["member", "new_org"]),
    ],
)
def test_only_the_starter_may_withdraw(world, member, initiator, allowed, refused):
    t = request_transfer(member, world.other_street_union, initiator=initiator, actor=COMMAND)
    for side in refused:
        with pytest.raises(ValidationError) as info:
            cancel_transfer(t, by=side, actor=COMMAND)
        assert codes(info) == ["not_starter"]
        assert Transfer.objects.get(pk=t.pk).status == "pending"
    cancel_transfer(t, by=allowed[0], actor=COMMAND)
    assert Transfer.objects.get(pk=t.pk).status == "cancelled"
    event = member.events.last()
    assert event.kind == "transfer_cancelled"
    assert event.note_params == {"by": allowed[0], "initiator": initiator}
    audit = AuditLog.objects.filter(action="transfer.cancelled").get()
    assert audit.after == {"status": "cancelled", "by": allowed[0], "initiator": initiator}


def test_the_receiving_side_undoes_a_transfer_by_rejecting_it(world, member):
    t = request_transfer(member, world.other_street_union, initiator="old_org", actor=COMMAND)
    reject_transfer(t, actor=COMMAND, note="人不在本街道")
    assert Transfer.objects.get(pk=t.pk).status == "rejected"


@pytest.mark.parametrize(
    ("initiator", "label"),
    [("member", "会员本人申请组织关系接转"), ("old_org", "转出工会发起组织关系接转"),
     ("new_org", "转入工会发起组织关系接转"), ("system", "系统根据名册提出组织关系接转")],
)
def test_the_history_says_who_started_the_transfer(world, member, initiator, label):
    request_transfer(member, world.other_street_union, initiator=initiator, actor=COMMAND, reason="换站点")
    event = member.events.get(kind="transfer_requested")
    assert event.party_label == label
    assert event.note == f"转入{world.other_street_union.name}；换站点"


def test_system_written_notes_follow_the_readers_language(world, member):
    from django.utils import translation

    t = request_transfer(member, world.other_street_union, initiator="member", actor=COMMAND, reason="换站点")
    auto_accept_due_transfers(now=timezone.now() + dt.timedelta(days=30))
    joined, requested, accepted = member.events.order_by("at", "id")
    t.refresh_from_db()
    # Stored in the record language, for exports and older readers.
    assert accepted.note == t.decision_note == "超过接收期限，系统自动接收"
    with translation.override("en"):
        assert accepted.note_text == t.decision_text == "Accepted automatically by the system after the deadline passed"
        assert requested.party_label == "Transfer applied for by the member"
        assert requested.note_text == f"To {world.other_street_union.name}; 换站点"
        assert joined.note_text == member.reason_text
        assert "个体入会" not in joined.note_text
    assert joined.note == member.routing_reason
