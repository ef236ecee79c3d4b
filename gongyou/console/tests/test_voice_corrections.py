"""Correcting a meeting's record in the console: the edit page of a party, topic, resolution or
open action item; removal; unlinking a case; in scope, for writers only; a moved deadline shown
with the first one on the meeting page, the items list and its export."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.cases.inputs import clean_case
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog
from gongyou.voice.inputs import clean_item
from gongyou.voice.models import ActionItem, Party
from gongyou.voice.services import add_action_item, add_resolution, add_topic, complete_action_item, link_topic
from gongyou.voice.tests.conftest import make_meeting


@pytest.fixture
def record(world):
    meeting = make_meeting(world.street_fed)
    topic = add_topic(meeting, "配送时限", actor=COMMAND)
    resolution = add_resolution(meeting, "平台调整时限", topic, actor=COMMAND)
    item = add_action_item(
        meeting, clean_item({"title": "调整时限", "due_on": "2026-04-01"}), owner=meeting.parties.get(kind="platform"),
        resolution=resolution, actor=COMMAND,
    )  # fmt: skip
    return meeting, topic, resolution, item


def url(meeting, part, obj, action="edit"):
    return f"/console/consultations/{meeting.pk}/{part}/{obj.pk}/{action}/"


def test_an_officer_corrects_each_part_of_the_record(client, personas, record):
    meeting, topic, resolution, item = record
    client.force_login(personas["street"])
    platform = meeting.parties.get(kind="platform")
    page = client.get(url(meeting, "party", platform))
    assert page.status_code == 200 and 'value="示例外卖平台"' in page.content.decode()
    assert client.post(url(meeting, "party", platform), {"kind": "platform", "name": "示例外卖平台（上海）", "attendees": "王经理"}).status_code == 302
    assert client.post(url(meeting, "topic", topic), {"title": "配送时限与罚款", "description": "集中反映"}).status_code == 302
    assert client.post(url(meeting, "resolution", resolution), {"text": "平台三个月内调整", "topic": ""}).status_code == 302
    affiliate = meeting.parties.get(kind="affiliate")
    form = {"title": "调整算法时限", "owner": affiliate.pk, "resolution": resolution.pk, "due_on": "2026-06-30", "reason": "版本推迟"}
    assert client.post(url(meeting, "item", item), form).status_code == 302
    platform.refresh_from_db()
    topic.refresh_from_db()
    resolution.refresh_from_db()
    item.refresh_from_db()
    assert platform.name == "示例外卖平台（上海）" and topic.title == "配送时限与罚款"
    assert (resolution.text, resolution.topic) == ("平台三个月内调整", None)
    assert (item.title, item.owner, item.due_on, item.original_due_on) == ("调整算法时限", affiliate, dt.date(2026, 6, 30), dt.date(2026, 4, 1))
    actions = set(AuditLog.objects.filter(org=meeting.org).values_list("action", flat=True))
    assert {"voice.update_party", "voice.update_topic", "voice.update_resolution", "voice.update_action_item"} <= actions

    shown = client.get(f"/console/consultations/{meeting.pk}/").content.decode()
    assert "原定 2026-04-01" in shown and url(meeting, "item", item) in shown and url(meeting, "party", platform) in shown
    listed = client.get("/console/consultations/items/").content.decode()
    assert "原定 2026-04-01" in listed
    table = read_table(client.get("/console/consultations/items/export/").content)
    header = table[0]
    assert "原定期限" in header and table[1][header.index("原定期限")] in ("2026-04-01", dt.date(2026, 4, 1), dt.datetime(2026, 4, 1))


def test_a_moved_deadline_without_a_reason_is_refused_and_nothing_changes(client, personas, record):
    meeting, _topic, _resolution, item = record
    client.force_login(personas["street"])
    form = {"title": "调整时限", "owner": item.owner_id, "resolution": "", "due_on": "2026-06-30", "reason": ""}
    response = client.post(url(meeting, "item", item), form)
    assert response.status_code == 400 and "请填写原因" in response.content.decode()
    assert 'value="2026-06-30"' in response.content.decode()  # what was typed stays in the form
    item.refresh_from_db()
    assert (item.due_on, item.original_due_on, item.resolution_id) == (dt.date(2026, 4, 1), None, item.resolution_id)


def test_removing_parts(client, personas, record):
    meeting, topic, resolution, item = record
    client.force_login(personas["street"])
    response = client.post(url(meeting, "item", item, "remove"), {"reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode() and ActionItem.objects.filter(pk=item.pk).exists()
    response = client.post(url(meeting, "party", item.owner, "remove"), follow=True)
    assert "还有落实事项" in response.content.decode()
    client.post(url(meeting, "item", item, "remove"), {"reason": "重复录入"})
    client.post(url(meeting, "resolution", resolution, "remove"))
    client.post(url(meeting, "topic", topic, "remove"))
    assert not ActionItem.objects.exists() and not meeting.resolutions.exists() and not meeting.topics.exists()
    extra = Party.objects.create(meeting=meeting, kind="government", name="市交通委")
    client.post(url(meeting, "party", extra, "remove"))
    assert meeting.parties.count() == 5
    assert AuditLog.objects.get(action="voice.remove_action_item").reason == "重复录入"


def test_a_done_item_shows_no_form(client, personas, record):
    meeting, _topic, _resolution, item = record
    complete_action_item(item, done_on=dt.date(2026, 3, 30), evidence="已上线", actor=COMMAND)
    client.force_login(personas["street"])
    page = client.get(url(meeting, "item", item)).content.decode()
    assert "完成记录不能再修改或删除" in page and 'name="due_on"' not in page
    response = client.post(url(meeting, "item", item), {"title": "x", "owner": item.owner_id, "due_on": "2026-01-01", "reason": "r"})
    assert response.status_code == 400 and "这个事项已经完成" in response.content.decode()


def test_unlinking_a_case_taken_up_by_mistake(client, world, personas, record):
    meeting, topic, _resolution, _item = record
    case = submit_case(
        clean_case({"type": "opinion", "title": "时限太紧", "description": "超时罚款", "name": "张三", "phone": "13912345678",
                    "street_code": world.street.code}),
        channel="staff", actor=COMMAND, fallback_org=world.street_fed,
    )  # fmt: skip
    link_topic(topic, cases=[case], actor=COMMAND)
    client.force_login(personas["street"])
    assert case.case_no in client.get(url(meeting, "topic", topic)).content.decode()
    response = client.post(f"/console/consultations/{meeting.pk}/topic/{topic.pk}/unlink/", {"case_no": case.case_no})
    assert response.status_code == 302 and not topic.cases.exists()
    assert client.post(f"/console/consultations/{meeting.pk}/topic/{topic.pk}/unlink/", {"case_no": case.case_no}).status_code == 404


@pytest.mark.parametrize(
    ("persona", "get_status", "post_status"),
    [("street", 200, 302), ("city", 200, 302), ("viewer", 403, 403), ("other_street", 404, 404), ("station", 404, 404)],
)
def test_scope_and_role(client, personas, record, persona, get_status, post_status):
    meeting, topic, _resolution, _item = record
    client.force_login(personas[persona])
    if persona == "city":
        from gongyou.console import security

        session = client.session
        session[security.OTP_OK] = True
        session.save()
    assert client.get(url(meeting, "topic", topic)).status_code == get_status
    assert client.post(url(meeting, "topic", topic), {"title": "改过的议题"}).status_code == post_status
    topic.refresh_from_db()
    assert (topic.title == "改过的议题") is (post_status == 302)


def test_a_part_of_another_meeting_is_not_found(client, world, personas, record):
    meeting, _topic, _resolution, _item = record
    other = make_meeting(world.street_fed, title="另一次会商")
    client.force_login(personas["street"])
    assert client.get(url(meeting, "party", other.parties.first())).status_code == 404
    assert client.get(f"/console/consultations/{meeting.pk}/agreement/1/edit/").status_code == 404
