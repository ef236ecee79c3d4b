"""Notices down and reports up: who receives a notice, read receipts per org (once), members'
notices in the portal, reports to the parent, and file checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog, Org
from gongyou.core.services import create_staff
from gongyou.voice.access import notice_for, notices_for_member, notices_received_for, reports_for
from gongyou.voice.inputs import clean_file, clean_notice, clean_report
from gongyou.voice.models import NoticeReceipt
from gongyou.voice.services import file_storage, mark_notice_read, send_notice, send_report, stored_name

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def notice(org, audience="all", kinds=(), orgs=(), to_members=False):
    data = clean_notice({"title": "关于做好夏季高温防护的通知", "body": "请各单位……", "audience": audience,
                         "to_members": "1" if to_members else ""}, list(kinds), [str(o.pk) for o in orgs])  # fmt: skip
    return send_notice(org, data, actor=COMMAND)


def received(n):
    return set(n.receipts.values_list("org__name", flat=True))


def test_a_notice_reaches_the_active_orgs_below_the_sender(world):
    n = notice(world.street_fed)
    assert received(n) == {
        "徐家汇街道外卖行业工会",
        "徐家汇街道快递行业工会",
        "示例外卖平台总部工会",
        "示例配送代理工会",
        "徐家汇站分工会",
    }
    assert world.street_fed.name not in received(n) and world.other_street_union.name not in received(n)
    district = notice(world.district, audience="kinds", kinds=[Org.Kind.STREET_FEDERATION])
    assert received(district) == {"徐家汇街道总工会", world.other_street_fed.name}
    chosen = notice(world.street_fed, audience="chosen", orgs=[world.station_union])
    assert received(chosen) == {"徐家汇站分工会"}


def test_an_org_outside_the_senders_scope_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        notice(world.street_fed, audience="chosen", orgs=[world.station_union, world.other_street_union])
    assert codes(exc) == {"orgs": ["org_out_of_scope"]}
    with pytest.raises(ValidationError) as exc:
        notice(world.station_union)  # nothing below a station union, and not for members
    assert codes(exc) == {"audience": ["no_recipients"]}
    with pytest.raises(ValidationError) as exc:
        clean_notice({"title": "", "body": "", "audience": "chosen"}, [], [])
    assert codes(exc) == {"title": ["required"], "body": ["required"], "orgs": ["required"]}


def test_read_receipts_are_per_org_and_marked_once(world):
    n = notice(world.street_fed)
    station_staff = create_staff(
        username="st", password="Gongyou-test-2026!", org=world.station_union, role="viewer", actor=COMMAND
    )
    assert mark_notice_read(n, world.station_union, station_staff, actor=Actor.staff(station_staff)) is True
    assert mark_notice_read(n, world.station_union, station_staff, actor=Actor.staff(station_staff)) is False
    receipt = NoticeReceipt.objects.get(notice=n, org=world.station_union)
    assert receipt.read_by == station_staff and receipt.read_at is not None
    assert NoticeReceipt.objects.filter(notice=n, read_at__isnull=True).count() == 4
    assert AuditLog.objects.filter(action="voice.read_notice").count() == 1


def test_staff_see_notices_they_sent_down_or_received(world):
    n = notice(world.street_fed, audience="chosen", orgs=[world.station_union])
    station = create_staff(
        username="st", password="Gongyou-test-2026!", org=world.station_union, role="officer", actor=COMMAND
    )
    agent = create_staff(
        username="ag", password="Gongyou-test-2026!", org=world.agent_union, role="officer", actor=COMMAND
    )
    other = create_staff(
        username="ot", password="Gongyou-test-2026!", org=world.other_street_fed, role="officer", actor=COMMAND
    )
    district = create_staff(
        username="di", password="Gongyou-test-2026!", org=world.district, role="officer", actor=COMMAND
    )
    assert list(notices_received_for(station)) == [n] and notice_for(station, n.pk) == n
    assert notice_for(district, n.pk) == n  # the sender is in its scope
    from django.http import Http404

    for outsider in (agent, other):  # the agent union manages the station union, but was not sent it
        with pytest.raises(Http404):
            notice_for(outsider, n.pk)


def test_members_see_notices_meant_for_members_of_their_org(world):
    from gongyou.console.tests.conftest import join_worker

    member = join_worker(1)  # 徐家汇街道外卖行业工会
    assert member.org == world.street_union_food
    for_members = notice(world.street_fed, to_members=True)
    notice(world.street_fed)  # staff only
    only_express = notice(world.street_fed, audience="chosen", orgs=[world.street_union_express], to_members=True)
    own = send_notice(
        member.org,
        clean_notice({"title": "本会通知", "body": "x", "audience": "all", "to_members": "1"}, [], []),
        actor=COMMAND,
    )
    assert set(notices_for_member(member)) == {for_members, own}
    assert only_express not in notices_for_member(member)


def test_a_report_goes_to_the_parent_with_its_file(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    report = send_report(world.station_union, clean_report({"title": "骑手意见汇总", "body": "本月收集意见 12 条"}),
                         clean_file("汇总.pdf", len(PDF), PDF), actor=COMMAND)  # fmt: skip
    assert report.to_org == world.street_union_food
    assert file_storage().exists(stored_name(report.attachment))
    assert (tmp_path / "voice_files" / (report.attachment.sha256 + ".pdf")).read_bytes() == PDF
    city = create_staff(username="c", password="Gongyou-test-2026!", org=world.city, role="officer", actor=COMMAND)
    other = create_staff(
        username="o", password="Gongyou-test-2026!", org=world.other_street_fed, role="officer", actor=COMMAND
    )
    assert list(reports_for(city)) == [report] and list(reports_for(other)) == []
    with pytest.raises(ValidationError) as exc:
        send_report(world.city, clean_report({"title": "x", "body": "y"}), actor=COMMAND)
    assert codes(exc) == {"non_field_errors": ["no_parent"]}


@pytest.mark.parametrize(
    ("name", "size", "content", "code"),
    [
        ("a.pdf", 0, b"", "empty"),
        ("a.pdf", 11 * 1024 * 1024, PDF, "too_large"),
        ("a.pdf", 10, b"MZ\x90\x00binary", "bad_type"),
        ("a.zip", 10, b"PK\x03\x04....", "bad_type"),  # a zip that is not a Word/Excel file
        ("<script>.html", 20, b"<html><script>", "bad_type"),
    ],
)
def test_files_are_checked_by_size_and_first_bytes(name, size, content, code):
    with pytest.raises(ValidationError) as exc:
        clean_file(name, size, content)
    assert codes(exc) == {"file": [code]}


def test_a_path_in_a_file_name_is_dropped():
    assert clean_file("../../x.pdf", len(PDF), PDF).name == "x.pdf"
    assert clean_file("..\\..\\报告.docx", 8, b"PK\x03\x04abcd").content_type.endswith("wordprocessingml.document")
