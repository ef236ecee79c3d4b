"""Correcting a meeting's record: parties, topics (and their links), resolutions and open action
items can be changed or removed, each audited with what was there; the five kinds stay, a party
with items stays, a done item is final, a deadline moves only with a reason and the first one
stays on record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongyou.cases.inputs import clean_case
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.voice.inputs import CleanParty, clean_item
from gongyou.voice.models import ActionItem, Party, Resolution, Topic
from gongyou.voice.queries import accountability
from gongyou.voice.services import (
    add_action_item,
    add_party,
    add_resolution,
    add_topic,
    complete_action_item,
    link_topic,
    remove_action_item,
    remove_party,
    remove_resolution,
    remove_topic,
    unlink_topic,
    update_action_item,
    update_party,
    update_resolution,
    update_topic,
)
from gongyou.voice.tests.conftest import party

pytestmark = pytest.mark.django_db


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def audit_of(action):
    return AuditLog.objects.filter(action=action).order_by("-id").first()


def new_item(meeting, kind="platform", due="2026-04-01", title="调整配送时限"):
    return add_action_item(meeting, clean_item({"title": title, "due_on": due}), owner=party(meeting, kind), actor=COMMAND)


def test_a_party_is_corrected_and_the_change_audited(meeting):
    platform = party(meeting, "platform")
    update_party(platform, CleanParty("platform", "示例外卖平台（上海）", "王经理", None), actor=COMMAND)
    platform.refresh_from_db()
    assert (platform.name, platform.attendees) == ("示例外卖平台（上海）", "王经理")
    entry = audit_of("voice.update_party")
    assert entry.before["name"] == "示例外卖平台" and entry.after["name"] == "示例外卖平台（上海）"
    assert entry.org == meeting.org


def test_a_change_that_leaves_a_kind_missing_is_refused(meeting):
    with pytest.raises(ValidationError) as exc:
        update_party(party(meeting, "government"), CleanParty("union", "另一个工会", "", None), actor=COMMAND)
    assert codes(exc) == {"kind": ["missing_party_kinds"]}
    with pytest.raises(ValidationError) as exc:
        remove_party(party(meeting, "government"), actor=COMMAND)
    assert codes(exc) == {"kind": ["missing_party_kinds"]}
    assert meeting.parties.count() == 5 and party(meeting, "government").name == "徐汇区人社局"
    # A second party of a kind can change kind or go.
    extra = add_party(meeting, "government", "市交通委", "", None, actor=COMMAND)
    update_party(extra, CleanParty("worker_rep", "快递员代表", "", None), actor=COMMAND)
    remove_party(Party.objects.get(pk=extra.pk), actor=COMMAND)
    assert meeting.parties.count() == 5 and audit_of("voice.remove_party").before["name"] == "快递员代表"


def test_a_party_with_action_items_stays(meeting):
    extra = add_party(meeting, "platform", "第二平台", "", None, actor=COMMAND)
    add_action_item(meeting, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=extra, actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        remove_party(extra, actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["party_has_items"]}
    assert Party.objects.filter(pk=extra.pk).exists()


def test_topics_are_corrected_unlinked_and_removed_keeping_their_resolutions(world, meeting):
    topic = add_topic(meeting, "配送时限", actor=COMMAND)
    case = submit_case(
        clean_case({"type": "opinion", "title": "时限太紧", "description": "超时罚款", "name": "张三", "phone": "13912345678",
                    "street_code": world.street.code}),
        channel="staff", actor=COMMAND, fallback_org=world.street_fed,
    )  # fmt: skip
    link_topic(topic, cases=[case], actor=COMMAND)
    update_topic(topic, "配送时限与超时罚款", "骑手反映集中", actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        update_topic(topic, "  ", actor=COMMAND)
    assert codes(exc) == {"title": ["bad_title"]}
    topic.refresh_from_db()
    assert (topic.title, topic.description) == ("配送时限与超时罚款", "骑手反映集中")
    unlink_topic(topic, case=case, actor=COMMAND)
    assert not topic.cases.exists() and audit_of("voice.unlink_topic").before["cases"] == [case.case_no]
    resolution = add_resolution(meeting, "平台调整时限", topic, actor=COMMAND)
    remove_topic(topic, actor=COMMAND)
    assert not Topic.objects.filter(pk=topic.pk).exists()
    resolution.refresh_from_db()
    assert resolution.topic is None and resolution.text == "平台调整时限"
    assert audit_of("voice.remove_topic").before["title"] == "配送时限与超时罚款"


def test_resolutions_are_corrected_and_removed_keeping_their_items(world, meeting):
    topic = add_topic(meeting, "配送时限", actor=COMMAND)
    resolution = add_resolution(meeting, "平台调整时限", actor=COMMAND)
    update_resolution(resolution, "平台三个月内调整算法时限", topic, actor=COMMAND)
    resolution.refresh_from_db()
    assert (resolution.text, resolution.topic) == ("平台三个月内调整算法时限", topic)
    with pytest.raises(ValidationError) as exc:
        update_resolution(resolution, "", actor=COMMAND)
    assert codes(exc) == {"text": ["required"]}
    from gongyou.voice.tests.conftest import make_meeting

    foreign = add_topic(make_meeting(world.street_fed, title="另一次"), "别的议题", actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        update_resolution(resolution, "x", foreign, actor=COMMAND)
    assert codes(exc) == {"topic": ["bad_topic"]}
    item = add_action_item(
        meeting, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=party(meeting, "platform"),
        resolution=resolution, actor=COMMAND,
    )  # fmt: skip
    remove_resolution(resolution, actor=COMMAND)
    item.refresh_from_db()
    assert not Resolution.objects.filter(pk=resolution.pk).exists() and item.resolution is None


def test_moving_a_deadline_needs_a_reason_and_keeps_the_first_one(meeting):
    item = new_item(meeting, due="2026-04-01")
    same_due = clean_item({"title": "调整配送时限（算法）", "due_on": "2026-04-01"})
    update_action_item(item, same_due, owner=party(meeting, "affiliate"), actor=COMMAND)  # no reason needed
    item.refresh_from_db()
    assert (item.title, item.owner.kind, item.original_due_on) == ("调整配送时限（算法）", "affiliate", None)
    later = clean_item({"title": item.title, "due_on": "2026-06-30"})
    with pytest.raises(ValidationError) as exc:
        update_action_item(item, later, owner=item.owner, reason=" ", actor=COMMAND)
    assert codes(exc) == {"reason": ["reason_required"]}
    update_action_item(item, later, owner=item.owner, reason="平台版本发布推迟", actor=COMMAND)
    update_action_item(item, clean_item({"title": item.title, "due_on": "2026-07-31"}), owner=item.owner, reason="再次推迟", actor=COMMAND)
    item.refresh_from_db()
    assert (item.due_on, item.original_due_on) == (dt.date(2026, 7, 31), dt.date(2026, 4, 1))
    entry = audit_of("voice.update_action_item")
    assert entry.reason == "再次推迟" and entry.before["due_on"] == "2026-06-30" and entry.after["due_on"] == "2026-07-31"


def test_an_item_owner_from_another_meeting_is_refused(world, meeting):
    from gongyou.voice.tests.conftest import make_meeting

    other = make_meeting(world.street_fed, title="另一次会商")
    item = new_item(meeting)
    with pytest.raises(ValidationError) as exc:
        update_action_item(item, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=party(other, "union"), actor=COMMAND)
    assert codes(exc) == {"owner": ["bad_owner"]}


def test_a_done_item_is_final(meeting):
    item = new_item(meeting)
    complete_action_item(item, done_on=dt.date(2026, 3, 30), evidence="已上线", actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        update_action_item(item, clean_item({"title": "x", "due_on": "2026-03-01"}), owner=item.owner, reason="r", actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["already_done"]}
    with pytest.raises(ValidationError) as exc:
        remove_action_item(item, reason="录错了", actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["already_done"]}
    assert ActionItem.objects.get(pk=item.pk).due_on == dt.date(2026, 4, 1)


def test_an_open_item_is_withdrawn_with_a_reason_and_leaves_the_accountability_figures(meeting):
    keep, wrong = new_item(meeting, due="2026-04-01"), new_item(meeting, due="2026-04-02", title="重复录入")
    with pytest.raises(ValidationError) as exc:
        remove_action_item(wrong, reason="", actor=COMMAND)
    assert codes(exc) == {"reason": ["reason_required"]}
    remove_action_item(wrong, reason="重复录入", actor=COMMAND)
    assert list(ActionItem.objects.values_list("pk", flat=True)) == [keep.pk]
    entry = audit_of("voice.remove_action_item")
    assert entry.reason == "重复录入" and entry.before["title"] == "重复录入"
    platform = next(row for row in accountability(ActionItem.objects.all(), today=dt.date(2026, 5, 1)) if row.kind == "platform")
    assert platform.total == 1
