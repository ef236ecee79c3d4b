"""Consultations and notices in a real browser (issue 9 part B): a street officer records a
five-party consultation with a topic, a resolution and two action items, marks one done and
reads the accountability view; sends a notice with a file down and the station union's officer
reads it and opens the file, which the sender then sees; corrects a meeting's record. Pages are saved under artifacts/screenshots/voice/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongyou.voice.models import ActionItem, NoticeReceipt

from .conftest import menu, portal_login

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)
PARTIES = ["徐家汇街道总工会", "徐汇区人社局", "示例外卖平台有限公司", "示例配送代理有限公司", "骑手代表"]


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def test_an_officer_runs_a_consultation_and_a_notice_goes_down_and_is_read(
    live_server, transactional_db, world, personas, desktop_page, screenshot, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the notice's file is stored here
    page, base = desktop_page, live_server.url
    today = timezone.localdate()
    login(page, base, "street")

    # The meeting with its five parties (the form offers one row per kind).
    menu(page, "五方协调会商")
    page.click("text=登记会商")
    page.fill("input[name=title]", "外卖骑手配送时限五方会商")
    page.fill("input[name=held_on]", (today - dt.timedelta(days=20)).isoformat())
    page.fill("input[name=place]", "徐家汇街道党群服务中心")
    names = page.locator("input[name=party_name]")
    for i, name in enumerate(PARTIES):
        names.nth(i).fill(name)
    page.locator("select[name=party_enterprise]").nth(2).select_option(label="示例外卖平台有限公司")
    page.locator("input[name=party_attendees]").nth(4).fill("骑手张师傅、李师傅")
    page.fill("textarea[name=minutes]", "各方就配送时限和超时扣款交换意见。")
    screenshot(page, "voice/01-meeting-form")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已登记会商")
    assert page.get_by_test_id("parties").locator("tbody tr").count() == 5

    # A topic, a resolution on it, two action items.
    page.fill("form[action$='/add/topic/'] input[name=title]", "配送时限过紧、超时扣款")
    page.click("button:has-text('添加议题')")
    page.wait_for_selector("[data-testid=topics] >> text=配送时限过紧")
    page.select_option("form[action$='/add/resolution/'] select[name=topic]", label="配送时限过紧、超时扣款")
    page.fill("form[action$='/add/resolution/'] input[name=text]", "平台一个月内放宽恶劣天气配送时限，人社部门跟踪")
    page.click("button:has-text('添加决议')")
    page.wait_for_selector("[data-testid=resolutions] >> text=放宽恶劣天气配送时限")
    item_form = "form[action$='/add/item/']"
    page.fill(f"{item_form} input[name=title]", "调整恶劣天气配送时限")
    page.select_option(f"{item_form} select[name=owner]", label="示例外卖平台有限公司")
    page.fill(f"{item_form} input[name=due_on]", (today + dt.timedelta(days=10)).isoformat())
    page.click("button:has-text('添加事项')")
    page.wait_for_selector("[data-testid=items] >> text=调整恶劣天气配送时限")
    page.fill(f"{item_form} input[name=title]", "通报超时扣款投诉处理情况")
    page.select_option(f"{item_form} select[name=owner]", label="徐汇区人社局")
    page.fill(f"{item_form} input[name=due_on]", (today - dt.timedelta(days=3)).isoformat())
    page.click("button:has-text('添加事项')")
    page.wait_for_selector("[data-testid=items] >> text=通报超时扣款投诉处理情况")
    assert page.get_by_test_id("items").locator(".badge.overdue").count() == 1

    # The platform's item is done, with what shows it.
    platform_item = ActionItem.objects.get(title="调整恶劣天气配送时限")
    row = page.get_by_test_id(f"item-{platform_item.pk}")
    row.locator("input[name=evidence]").fill("已发布新版配送规则")
    row.locator("button:has-text('标记完成')").click()
    page.wait_for_selector("text=已标记完成")
    assert page.get_by_test_id(f"item-{platform_item.pk}").locator(".badge.done").count() == 1
    screenshot(page, "voice/02-meeting")

    # Accountability: the platform 100% on time, the department 0% (overdue).
    menu(page, "会商落实问责")
    table = page.get_by_test_id("accountability")
    platform_row = table.locator("tr", has_text="示例外卖平台有限公司")
    department_row = table.locator("tr", has_text="徐汇区人社局")
    assert platform_row.get_by_test_id("percent").inner_text() == "100.0%"
    assert department_row.get_by_test_id("percent").inner_text() == "0.0%"
    screenshot(page, "voice/03-accountability")

    # A notice down to every org below the street federation.
    menu(page, "通知")
    page.click("text=发通知")
    page.fill("input[name=title]", "关于做好高温天气户外劳动者防护的通知")
    page.fill("textarea[name=body]", "各站点工会：请开放爱心接力站，备足防暑用品。")
    page.check("input[name=to_members]")
    page.set_input_files("input[name=file]", files=[{"name": "高温防护工作方案.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%plan\n"}])
    screenshot(page, "voice/04-notice-form")
    page.click("button:has-text('发送')")
    page.wait_for_selector("text=通知已发送到 5 个组织")
    assert "已读 0，未读 5" in page.content()

    # The station union's officer opens it: read for the station union.
    login(page, base, "station")
    menu(page, "通知")
    page.click("text=关于做好高温天气户外劳动者防护的通知")
    assert "请开放爱心接力站" in page.get_by_test_id("notice-body").inner_text()
    assert page.get_by_test_id("my-receipt").is_visible()
    with page.expect_download() as download:
        page.get_by_test_id("notice-attachment").click()
    assert download.value.suggested_filename == "高温防护工作方案.pdf"
    screenshot(page, "voice/05-notice-read")
    assert NoticeReceipt.objects.get(org=world.station_union).read_at is not None

    # The sender sees who has read it and who has not.
    login(page, base, "street")
    page.goto(f"{base}/console/notices/?box=sent")
    page.click("text=关于做好高温天气户外劳动者防护的通知")
    assert "已读 1，未读 4" in page.content()
    receipts = page.get_by_test_id("receipts")
    assert receipts.locator("tr", has_text="徐家汇站分工会").locator(".badge.yes").count() == 1
    screenshot(page, "voice/06-receipts")


def test_a_district_officer_records_a_signed_agreement_and_sees_the_coverage(
    live_server, transactional_db, world, personas, desktop_page, screenshot
):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import create_staff

    create_staff(username="district", password=PASSWORD, org=world.district, role="officer", actor=COMMAND)
    page, base = desktop_page, live_server.url
    login(page, base, "district")
    menu(page, "集体合同")
    page.click("text=登记集体协商")
    page.fill("input[name=title]", "徐汇区网约送餐行业工资集体协议")
    page.select_option("select[name=kind]", "industry")
    page.select_option("select[name=industry]", "food_delivery")
    page.select_option("select[name=region]", label="徐汇区")
    page.check("input[name=subjects][value=pay]")
    page.check("input[name=subjects][value=labour_quota]")
    page.fill("input[name=employer_side]", "徐汇区餐饮配送行业协会")
    page.select_option("select[name=status]", "signed")
    page.fill("input[name=signed_on]", "2026-01-01")
    page.fill("input[name=effective_from]", "2026-01-01")
    page.select_option("select[name=enterprises]", label=["示例外卖平台有限公司", "示例配送代理有限公司"])
    page.fill("input[name=workers_covered]", "1800")
    screenshot(page, "voice/07-agreement-form")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=生效中")
    assert page.get_by_test_id("workers").inner_text() == "1800"
    screenshot(page, "voice/08-agreement")
    menu(page, "集体合同覆盖")
    assert page.get_by_test_id("total-workers").inner_text() == "1800"
    assert "徐汇区" in page.get_by_test_id("coverage").inner_text()
    screenshot(page, "voice/09-coverage")


def test_an_officer_corrects_a_meeting_record(live_server, transactional_db, world, personas, desktop_page, screenshot):
    from gongyou.core.actors import COMMAND
    from gongyou.voice.inputs import clean_item
    from gongyou.voice.services import add_action_item, add_resolution, add_topic
    from gongyou.voice.tests.conftest import make_meeting

    meeting = make_meeting(world.street_fed, title="快递员休息点五方会商")
    topic = add_topic(meeting, "休息点不足", actor=COMMAND)
    add_resolution(meeting, "平台与街道共建休息点", topic, actor=COMMAND)
    item = add_action_item(
        meeting, clean_item({"title": "新增三处休息点", "due_on": "2026-12-20"}), owner=meeting.parties.get(kind="platform"), actor=COMMAND
    )
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    page.goto(f"{base}/console/consultations/{meeting.pk}/")

    # The deadline moves: without a reason the form says so and keeps what was typed.
    page.get_by_test_id(f"item-{item.pk}").get_by_role("link", name=re.compile("^修改")).click()
    page.fill("input[name=due_on]", "2027-01-31")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[role=alert] >> text=请填写原因")
    assert page.input_value("input[name=due_on]") == "2027-01-31"
    page.fill("input[name=reason]", "选址需街道协调，推迟一个月")
    screenshot(page, "voice/10-item-edit")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已修改")
    row = page.get_by_test_id(f"item-{item.pk}")
    assert "2027-01-31" in row.inner_text() and "原定 2026-12-20" in row.inner_text()
    screenshot(page, "voice/11-meeting-corrected")

    # A topic recorded by mistake goes; its resolution stays.
    page.locator("[data-testid=topics] li", has_text="休息点不足").get_by_role("link", name=re.compile("^修改")).click()
    page.click("form.danger-zone button:has-text('删除')")
    page.wait_for_selector("text=已删除")
    assert page.get_by_test_id("topics").count() == 0
    assert "平台与街道共建休息点" in page.get_by_test_id("resolutions").inner_text()
    item.refresh_from_db()
    assert (item.due_on, item.original_due_on) == (dt.date(2027, 1, 31), dt.date(2026, 12, 20))


def test_a_member_reads_a_notice_and_opens_its_file_on_a_phone(live_server, transactional_db, world, phone_page, screenshot, settings, tmp_path):
    from gongyou.core.actors import COMMAND, Actor
    from gongyou.core.testing import make_phone, worker_data
    from gongyou.members.inputs import clean_worker
    from gongyou.members.services import join
    from gongyou.voice.inputs import clean_file, clean_notice
    from gongyou.voice.services import send_notice

    settings.VAR_DIR = tmp_path
    join(clean_worker(worker_data(6101)), channel="online", actor=Actor.worker())
    pdf = b"%PDF-1.4\n%member notice\n"
    data = clean_notice({"title": "夏季送清凉活动安排", "body": "各驿站备有绿豆汤。\n详见附件。", "audience": "all", "to_members": "1"}, [], [])
    send_notice(world.street_fed, data, clean_file("送清凉安排.pdf", len(pdf), pdf), actor=COMMAND)

    page, phone = phone_page, make_phone(6101)
    portal_login(page, live_server.url, phone)
    page.goto(f"{live_server.url}/me/notices/")
    notices = page.get_by_test_id("member-notices")
    assert "夏季送清凉活动安排" in notices.inner_text() and "送清凉安排.pdf" in notices.inner_text()
    screenshot(page, "portal/notices-with-file")
    with page.expect_download() as download:
        page.get_by_test_id("member-notice-attachment").click()
    assert download.value.suggested_filename == "送清凉安排.pdf"


def test_a_city_officer_follows_the_departments_task_board(live_server, transactional_db, world, personas, desktop_page, screenshot, settings, tmp_path):
    from gongyou.core.actors import COMMAND
    from gongyou.voice.inputs import clean_task
    from gongyou.voice.models import DepartmentTask
    from gongyou.voice.services import add_department, add_department_task

    settings.VAR_DIR = tmp_path
    add_department_task(add_department(world.city, "上海市人民检察院", actor=COMMAND), clean_task({"title": "支持劳动者起诉"}), actor=COMMAND)
    page, base = desktop_page, live_server.url
    login(page, base, "city")
    menu(page, "部门任务")
    page.fill("form[action$='/departments/new/'] input[name=name]", "上海市邮政管理局")
    page.click("button:has-text('添加部门')")
    page.wait_for_selector("text=已添加部门")
    task_form = "form[action$='/departments/tasks/new/']"
    page.select_option(f"{task_form} select[name=department]", label="上海市邮政管理局")
    page.fill(f"{task_form} input[name=title]", "指导建立快递行业工会联合会")
    page.fill(f"{task_form} input[name=due_on]", "2027-06-30")
    page.click("button:has-text('添加任务')")
    page.wait_for_selector("text=已添加任务")

    # Progress without a word or a file is refused; with a file it is kept, with its history.
    page.fill("input[name=progress]", "40")
    page.click("button:has-text('保存进展')")
    page.wait_for_selector("[role=alert] >> text=请填写进展情况或上传佐证材料")
    page.fill("textarea[name=note]", "徐汇、闵行两区已成立快递行业工会联合会")
    page.set_input_files("input[name=file]", files=[{"name": "成立批复.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%x\n"}])
    page.click("button:has-text('保存进展')")
    page.wait_for_selector("text=已记录进展")
    assert "40%" in page.get_by_test_id("task-progress").inner_text()
    assert "成立批复.pdf" in page.get_by_test_id("task-updates").inner_text()
    screenshot(page, "voice/12-department-task")
    task = DepartmentTask.objects.get(title="指导建立快递行业工会联合会")
    assert (task.progress, task.status) == (40, "in_progress")

    page.click("text=返回任务表")
    board = page.get_by_test_id("department-tasks")
    assert "上海市邮政管理局" in board.inner_text() and "上海市人民检察院" in board.inner_text()
    screenshot(page, "voice/13-department-board")
