"""Console pages of consultations, agreements, notices and reports: forms go through the
services, lists and exports stay in scope, a receiving org's staff opening a notice marks it read,
query counts of the list pages stay flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog
from gongyou.voice.models import ActionItem, Agreement, Meeting, Notice, NoticeReceipt, Report
from gongyou.voice.tests.conftest import FIVE, make_meeting

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n%test\n"


def login(client, user):
    client.force_login(user)
    return client


def meeting_post(**over):
    data = {"title": "骑手配送时限五方会商", "held_on": "2026-03-01", "place": "徐家汇街道会议室", "minutes": "纪要"}
    data.update(over)
    data["party_kind"] = [p["kind"] for p in FIVE] + [""]
    data["party_name"] = [p["name"] for p in FIVE] + [""]
    data["party_enterprise"] = [""] * 6
    data["party_attendees"] = [p.get("attendees", "") for p in FIVE] + [""]
    return data


def test_an_officer_records_a_meeting_its_topic_resolution_and_items(client, world, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the evidence file is stored here, not in the working tree
    login(client, personas["street"])
    response = client.post("/console/consultations/new/", meeting_post())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/consultations/{meeting.pk}/"
    assert meeting.org == world.street_fed and meeting.parties.count() == 5
    base = f"/console/consultations/{meeting.pk}/add"
    client.post(f"{base}/topic/", {"title": "配送时限过紧"})
    topic = meeting.topics.get()
    client.post(f"{base}/resolution/", {"text": "平台调整时限", "topic": topic.pk})
    resolution = meeting.resolutions.get()
    platform = meeting.parties.get(kind="platform")
    client.post(f"{base}/item/", {"title": "调整时限", "owner": platform.pk, "resolution": resolution.pk, "due_on": "2026-04-01"})
    item = ActionItem.objects.get()
    assert (item.owner, item.resolution, item.due_on) == (platform, resolution, dt.date(2026, 4, 1))
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    client.post(f"/console/consultations/items/{item.pk}/done/", {"done_on": "2026-03-30", "evidence": "已上线", "file": upload})
    item.refresh_from_db()
    assert (item.status, item.done_on, item.evidence_file.name) == ("done", dt.date(2026, 3, 30), "证明.pdf")
    download = client.get(f"/console/consultations/items/{item.pk}/evidence/")
    assert download.status_code == 200 and download.content == PDF and "attachment" in download["Content-Disposition"]
    page = client.get(f"/console/consultations/{meeting.pk}/").content.decode()
    assert "配送时限过紧" in page and "平台调整时限" in page and "调整时限" in page and "已完成" in page
    acc = client.get("/console/consultations/accountability/").content.decode()
    assert "示例外卖平台" in acc and "100.0%" in acc
    table = read_table(client.get("/console/consultations/accountability/export/").content, "a.xlsx")
    assert table[1][:4] == ["示例外卖平台", "平台企业", "1", "1"]


def test_a_meeting_missing_a_kind_of_party_is_refused_with_the_form_kept(client, personas):
    login(client, personas["street"])
    data = meeting_post()
    data["party_kind"][1] = ""
    data["party_name"][1] = ""
    response = client.post("/console/consultations/new/", data)
    assert response.status_code == 400 and Meeting.objects.count() == 0
    html = response.content.decode()
    assert "五方会商缺少：政府部门" in html and "骑手配送时限五方会商" in html


def test_a_bad_evidence_file_is_refused_and_nothing_changes(client, world, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    meeting = make_meeting(world.street_fed)
    login(client, personas["street"])
    client.post(f"/console/consultations/{meeting.pk}/add/item/", {"title": "x", "owner": meeting.parties.first().pk, "due_on": "2026-04-01"})
    item = ActionItem.objects.get()
    bad = SimpleUploadedFile("../../x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(f"/console/consultations/items/{item.pk}/done/", {"evidence": "x", "file": bad}, follow=True)
    assert "只能上传" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open" and not (tmp_path / "voice_files").exists()


def test_meeting_lists_and_items_stay_in_scope_and_export(client, world, personas, django_assert_max_num_queries):
    make_meeting(world.street_fed, title="徐家汇会商")
    make_meeting(world.other_street_fed, title="别的街道会商")
    login(client, personas["street"])
    with django_assert_max_num_queries(12):
        page = client.get("/console/consultations/").content.decode()
    assert "徐家汇会商" in page and "别的街道会商" not in page
    table = read_table(client.get("/console/consultations/export/").content, "a.xlsx")
    assert [r[0] for r in table[1:]] == ["徐家汇会商"]
    assert client.get("/console/consultations/items/?status=overdue").status_code == 200


def test_agreement_form_detail_and_coverage(client, world, personas):
    login(client, personas["street"])
    post = {"title": "徐家汇外卖行业工资集体协议", "kind": "industry", "industry": "food_delivery", "region": world.street.pk,
            "subjects": ["pay", "labour_quota"], "employer_side": "示例外卖平台", "status": "signed",
            "signed_on": "2026-01-01", "effective_from": "2026-01-01", "workers_covered": "120",
            "enterprises": [world.platform.pk, world.agent.pk]}  # fmt: skip
    response = client.post("/console/agreements/new/", post)
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and agreement.enterprises.count() == 2 and agreement.subjects == ["pay", "labour_quota"]
    html = client.get(f"/console/agreements/{agreement.pk}/").content.decode()
    assert "生效中" in html and "劳动定额" in html
    assert 'data-testid="roster-workers">0 ' in html  # nobody on the covered enterprises' rosters yet
    coverage = client.get("/console/agreements/coverage/").content.decode()
    assert 'data-testid="total-workers">120<' in coverage
    table = read_table(client.get("/console/agreements/coverage/export/").content, "a.xlsx")
    assert table[1] == ["徐汇区", "310104", "网约送餐", "1", "2", "120"]
    # Back to negotiating is refused, the agreement unchanged.
    response = client.post(f"/console/agreements/{agreement.pk}/edit/", {**post, "status": "negotiating"})
    assert response.status_code == 400 and Agreement.objects.get().status == "signed"
    assert read_table(client.get("/console/agreements/export/").content, "a.xlsx")[1][0] == "徐家汇外卖行业工资集体协议"


def test_a_notice_down_is_read_by_the_lower_org_and_the_sender_sees_who_has_not(client, world, personas):
    login(client, personas["street"])
    response = client.post("/console/notices/new/", {"title": "高温防护通知", "body": "请做好防暑降温。", "audience": "all"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.receipts.count() == 5
    login(client, personas["station"])
    inbox = client.get("/console/notices/").content.decode()
    assert "高温防护通知" in inbox and "未读" in inbox
    page = client.get(f"/console/notices/{notice.pk}/").content.decode()
    assert "请做好防暑降温。" in page and 'data-testid="receipts"' not in page  # a receiver does not see the others
    receipt = NoticeReceipt.objects.get(notice=notice, org=world.station_union)
    assert receipt.read_at is not None and receipt.read_by == personas["station"]
    client.get(f"/console/notices/{notice.pk}/")
    assert AuditLog.objects.filter(action="voice.read_notice").count() == 1
    login(client, personas["street"])
    page = client.get(f"/console/notices/{notice.pk}/").content.decode()
    assert "已读 1，未读 4" in page
    table = read_table(client.get(f"/console/notices/{notice.pk}/receipts/export/").content, "a.xlsx")
    assert sorted(r[2] for r in table[1:]) == ["已读", "未读", "未读", "未读", "未读"]
    sent = client.get("/console/notices/?box=sent").content.decode()
    assert "1 / 5" in sent
    # The street's own viewer opening it marks nothing: the street federation sent it.
    login(client, personas["viewer"])
    client.get(f"/console/notices/{notice.pk}/")
    assert NoticeReceipt.objects.filter(read_at__isnull=False).count() == 1


def test_a_station_union_reports_up_and_its_parent_reads_it(client, world, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(client, personas["station"])
    upload = SimpleUploadedFile("意见汇总.pdf", PDF, content_type="application/pdf")
    response = client.post("/console/reports/new/", {"title": "骑手意见汇总", "body": "本月 12 条", "file": upload})
    report = Report.objects.get()
    assert response.status_code == 302 and report.to_org == world.street_union_food and report.read_at is None
    assert client.get(f"/console/reports/{report.pk}/attachment/").content == PDF
    login(client, personas["street"])  # above the parent: sees it, does not mark it read
    assert "骑手意见汇总" in client.get("/console/reports/?box=received").content.decode()
    assert "骑手意见汇总" not in client.get("/console/reports/?box=sent").content.decode()
    client.get(f"/console/reports/{report.pk}/")
    report.refresh_from_db()
    assert report.read_at is None
    login(client, personas["other_street"])
    assert client.get(f"/console/reports/{report.pk}/").status_code == 404
    assert client.get(f"/console/reports/{report.pk}/attachment/").status_code == 404


def test_the_city_cannot_report_up(client, personas):
    login(client, personas["city"])
    response = client.post("/console/reports/new/", {"title": "x", "body": "y"})
    assert response.status_code == 400 and "本工会没有上级工会" in response.content.decode()


@pytest.mark.parametrize("url", ["/console/consultations/", "/console/agreements/", "/console/notices/", "/console/reports/",
                                 "/console/consultations/accountability/", "/console/agreements/coverage/"])  # fmt: skip
def test_the_menu_links_every_voice_page(client, personas, url):
    html = login(client, personas["street"]).get("/console/").content.decode()
    assert f'href="{url}"' in html


def test_a_topic_links_cases_and_warnings_in_scope(client, world, personas):
    from gongyou.cases.inputs import clean_case
    from gongyou.cases.services import submit_case
    from gongyou.cases.tests.conftest import case_data
    from gongyou.core.actors import COMMAND

    case = submit_case(clean_case(case_data(workers_involved=40)), channel="staff", actor=COMMAND, fallback_org=world.street_fed)
    meeting = make_meeting(world.street_fed)
    login(client, personas["street"])
    client.post(f"/console/consultations/{meeting.pk}/add/topic/", {"title": "站点扣款"})
    topic = meeting.topics.get()
    warning = case.case_warnings.first()
    post = {"topic": topic.pk, "case_no": case.case_no.lower(), "warning": warning.pk if warning else ""}
    client.post(f"/console/consultations/{meeting.pk}/add/link/", post)
    assert list(topic.cases.all()) == [case]
    assert list(topic.warnings.all()) == ([warning] if warning else [])
    assert case.case_no in client.get(f"/console/consultations/{meeting.pk}/").content.decode()
    # A case out of the staff member's scope is not found: nothing linked.
    other = submit_case(clean_case(case_data(phone="13800138001")), channel="staff", actor=COMMAND, fallback_org=world.other_street_fed)
    response = client.post(f"/console/consultations/{meeting.pk}/add/link/", {"topic": topic.pk, "case_no": other.case_no}, follow=True)
    assert "找不到这个诉求或预警" in response.content.decode() and list(topic.cases.all()) == [case]


def test_a_notice_carries_a_file_to_the_orgs_it_reached_only(client, world, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(client, personas["street"])
    upload = SimpleUploadedFile("高温防护工作方案.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/console/notices/new/", {"title": "高温防护通知", "body": "见附件。", "audience": "all", "file": upload}
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.attachment.name == "高温防护工作方案.pdf"
    assert AuditLog.objects.get(action="voice.send_notice").after["file"] == "高温防护工作方案.pdf"
    login(client, personas["station"])  # a receiving org
    assert "附件" in client.get("/console/notices/").content.decode()
    assert 'data-testid="notice-attachment"' in client.get(f"/console/notices/{notice.pk}/").content.decode()
    download = client.get(f"/console/notices/{notice.pk}/attachment/")
    assert download.status_code == 200 and download.content == PDF
    assert download["X-Content-Type-Options"] == "nosniff" and "no-store" in download["Cache-Control"]
    assert "UTF-8''%E9%AB%98" in download["Content-Disposition"]
    table = read_table(client.get("/console/notices/export/").content, "n.xlsx")
    assert table[0][-1] == "附件" and table[1][-1] == "高温防护工作方案.pdf"
    login(client, personas["other_street"])  # not reached
    assert client.get(f"/console/notices/{notice.pk}/attachment/").status_code == 404


def test_a_notice_refuses_a_file_that_is_not_what_it_claims(client, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(client, personas["street"])
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post("/console/notices/new/", {"title": "通知", "body": "x", "audience": "all", "file": fake})
    assert response.status_code == 400 and not Notice.objects.exists()
