"""Five-party consultations: parties of the five kinds, items owned by a party of the meeting,
completion, and the accountability figure (% done on time per party), hand-counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.voice.inputs import clean_item, clean_meeting
from gongyou.voice.models import ActionItem
from gongyou.voice.queries import accountability
from gongyou.voice.services import add_action_item, add_resolution, add_topic, complete_action_item
from gongyou.voice.tests.conftest import FIVE, make_meeting, party

pytestmark = pytest.mark.django_db


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def test_a_meeting_needs_a_party_of_each_of_the_five_kinds():
    with pytest.raises(ValidationError) as exc:
        clean_meeting({"title": "会商", "held_on": "2026-03-01", "place": "会议室"}, FIVE[:3])
    assert codes(exc) == {"parties": ["missing_party_kinds"]}
    assert "平台关联企业" in str(exc.value.error_dict["parties"][0].message)


def test_bad_fields_are_reported_together():
    with pytest.raises(ValidationError) as exc:
        clean_meeting({"title": "", "held_on": "2026-02-30", "place": ""}, [*FIVE, {"kind": "bogus", "name": "x"}])
    assert codes(exc) == {
        "title": ["required"],
        "held_on": ["invalid_date"],
        "place": ["required"],
        "parties": ["bad_kind"],
    }


def test_only_enterprise_parties_link_an_enterprise(world):
    rows = [{**p, "enterprise": str(world.platform.pk)} if p["kind"] == "government" else p for p in FIVE]
    with pytest.raises(ValidationError) as exc:
        clean_meeting({"title": "会商", "held_on": "2026-03-01", "place": "会议室"}, rows)
    assert codes(exc) == {"parties": ["not_enterprise_party"]}


def test_creating_a_meeting_records_parties_and_audits(world):
    rows = [{**p, "enterprise": str(world.platform.pk)} if p["kind"] == "platform" else p for p in FIVE]
    meeting = make_meeting(world.street_fed, parties=rows)
    assert meeting.parties.count() == 5
    assert party(meeting, "platform").enterprise == world.platform
    assert party(meeting, "worker_rep").attendees == "张三、李四"
    assert AuditLog.objects.filter(
        action="voice.create_meeting", object_id=str(meeting.pk), org=world.street_fed
    ).exists()


def test_an_item_is_owned_by_a_party_of_the_same_meeting(world, meeting):
    other = make_meeting(world.street_fed, title="另一次会商")
    with pytest.raises(ValidationError) as exc:
        add_action_item(
            meeting, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=party(other, "union"), actor=COMMAND
        )
    assert codes(exc) == {"owner": ["bad_owner"]}


def test_topic_resolution_item_and_completion(world, meeting):
    topic = add_topic(meeting, "配送时限过紧", actor=COMMAND)
    resolution = add_resolution(meeting, "平台三个月内调整算法时限", topic, actor=COMMAND)
    item = add_action_item(
        meeting, clean_item({"title": "调整时限", "due_on": "2026-04-01"}), owner=party(meeting, "platform"),
        resolution=resolution, actor=COMMAND,
    )  # fmt: skip
    assert item.effective_status(dt.date(2026, 3, 31)) == "open"
    assert item.effective_status(dt.date(2026, 4, 2)) == "overdue"
    with pytest.raises(ValidationError) as exc:
        complete_action_item(item, done_on=dt.date(2026, 3, 30), evidence="", actor=COMMAND)
    assert codes(exc) == {"evidence": ["evidence_required"]}
    done = complete_action_item(item, done_on=dt.date(2026, 3, 30), evidence="已上线新版本", actor=COMMAND)
    assert (done.status, done.on_time, done.effective_status(dt.date(2027, 1, 1))) == ("done", True, "done")
    with pytest.raises(ValidationError) as exc:
        complete_action_item(done, done_on=dt.date(2026, 3, 30), evidence="again", actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["already_done"]}
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"voice.add_topic", "voice.add_resolution", "voice.add_action_item", "voice.complete_action_item"} <= actions


def test_a_done_date_in_the_future_is_refused(meeting):
    item = add_action_item(
        meeting, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=party(meeting, "union"), actor=COMMAND
    )
    with pytest.raises(ValidationError) as exc:
        complete_action_item(item, done_on=dt.date(2999, 1, 1), evidence="x", actor=COMMAND)
    assert codes(exc) == {"done_on": ["future_date"]}


def item(meeting, kind, due, done=None):
    created = add_action_item(
        meeting, clean_item({"title": f"{kind}{due}", "due_on": due}), owner=party(meeting, kind), actor=COMMAND
    )
    if done:
        complete_action_item(created, done_on=dt.date.fromisoformat(done), evidence="已完成", actor=COMMAND)
    return created


def test_accountability_counts_on_time_late_overdue_and_pending_per_party(world, meeting):
    today = dt.date(2026, 6, 1)
    # 平台企业: on time, on the due day itself, late, overdue, not yet due → 2 on time of 4 judged = 50.0
    item(meeting, "platform", "2026-04-01", done="2026-03-20")
    item(meeting, "platform", "2026-04-10", done="2026-04-10")
    item(meeting, "platform", "2026-04-15", done="2026-05-01")
    item(meeting, "platform", "2026-05-01")
    item(meeting, "platform", "2026-07-01")
    # 政府部门: 1 on time of 3 judged → 33.3
    item(meeting, "government", "2026-04-01", done="2026-04-01")
    item(meeting, "government", "2026-04-01")
    item(meeting, "government", "2026-05-31")
    # 工会: only not yet due → no figure
    item(meeting, "union", "2026-06-01")
    # The same party in another meeting counts with it: 平台企业 gets one more on time → 3 of 5 = 60.0
    second = make_meeting(world.street_fed, title="第二次会商")
    item(second, "platform", "2026-05-01", done="2026-04-30")
    rows = {r.name: r for r in accountability(ActionItem.objects.all(), today)}
    platform, government, union = rows["示例外卖平台"], rows["徐汇区人社局"], rows["徐家汇街道总工会"]
    assert (platform.total, platform.done_on_time, platform.done_late, platform.overdue, platform.pending) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert platform.on_time_percent == 60.0
    assert (government.done_on_time, government.overdue, government.judged, government.on_time_percent) == (
        1,
        2,
        3,
        33.3,
    )
    assert (union.pending, union.judged, union.on_time_percent) == (1, 0, None)
    assert [r.name for r in accountability(ActionItem.objects.all(), today)][:2] == ["徐汇区人社局", "示例外卖平台"]
