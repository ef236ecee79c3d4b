"""我的诉求 in a real browser (issue 9): a rider asks for legal aid on a phone with a photo and
follows it; a street officer accepts it, handles it through to resolved, refers another case
to a department and sees the warnings board. Pages are saved under artifacts/screenshots/cases/."""

from __future__ import annotations

import re

import pytest

from gongyou.cases.inputs import clean_case
from gongyou.cases.models import Case, CaseAttachment, Referral
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.portal.sms import ConsoleBackend

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200  # only the first bytes are checked


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case_files(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "case_files"


def rider_logs_in(page, base, phone):
    page.goto(f"{base}/me/login/?next=/me/cases/")
    page.fill("#id_phone", phone)
    page.click("#sms-box button")
    page.wait_for_selector(".sms-note.ok")
    page.fill("#id_sms_code", ConsoleBackend.last_code(phone, "login"))
    page.click("button.btn[value=login]")
    page.wait_for_url("**/me/cases/")


def officer_logs_in(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def test_a_rider_asks_for_legal_aid_and_an_officer_handles_it(
    live_server, transactional_db, world, personas, phone_page, desktop_page, screenshot, case_files
):
    base = live_server.url
    for page in (phone_page, desktop_page):
        page.set_default_timeout(45_000)  # a loaded shared CI machine; the journey itself is quick
    rider = join(
        clean_worker(worker_data(61, station_code=world.station.code)), channel="online", actor=Actor.worker()
    ).membership
    other = submit_case(
        clean_case({"type": "dispute", "title": "单价下调集体停工", "description": "40 名骑手聚集", "name": "周海",
                    "phone": "13761000001", "station_code": world.station.code, "workers_involved": 40}),
        channel="staff", actor=COMMAND,
    )  # fmt: skip

    # The rider, on a phone.
    phone = phone_page
    rider_logs_in(phone, base, make_phone(61))
    screenshot(phone, "cases/01-my-cases-empty")
    phone.click("[data-testid=new-case]")
    phone.select_option("#type", "legal_aid")
    phone.select_option("#topic", "pay")
    phone.fill("#title", "站点拖欠十月工资")
    phone.fill("#description", "十月的配送费 4,200 元一直没结，站长说平台没打款。")
    phone.fill("#amount_yuan", "4200")
    phone.set_input_files("#photos", {"name": "工资条.jpg", "mimeType": "image/jpeg", "buffer": JPEG})
    screenshot(phone, "cases/02-submit-form")
    with phone.expect_navigation():
        phone.click("[data-testid=case-form] button[type=submit]")
    case_no = phone.get_by_test_id("case-no").inner_text()
    assert "已提交，等待工会受理" in phone.get_by_test_id("case-status").inner_text()
    assert "工资条.jpg" in phone.content()
    screenshot(phone, "cases/03-submitted")
    case = Case.objects.get(case_no=case_no)
    assert case.membership_id == rider.pk and CaseAttachment.objects.filter(case=case).count() == 1

    # The street federation's officer, at a desk.
    desk = desktop_page
    officer_logs_in(desk, base, "street")
    menu(desk, "诉求办理")
    assert case_no in desk.content() and other.case_no in desk.content()
    screenshot(desk, "cases/04-console-list")
    desk.click(f"text={case_no}")
    desk.click("[data-testid=case-actions] button[value=accept]")
    desk.wait_for_selector("text=已受理")
    desk.click("[data-testid=case-actions] button[value=start]")
    desk.wait_for_selector("[data-testid=case-status]:has-text('办理中')")
    desk.fill("[data-testid=case-actions] textarea[name=note]", "已约谈站点负责人，欠薪 4,200 元本周内支付。")
    desk.click("[data-testid=case-actions] button[value=resolve]")
    desk.wait_for_selector("[data-testid=case-status]:has-text('已办结')")
    screenshot(desk, "cases/05-console-resolved")

    # Another case goes to a department.
    desk.goto(f"{base}/console/cases/{other.case_no}/")
    desk.click("[data-testid=case-actions] button[value=accept]")
    desk.wait_for_selector("[data-testid=refer-form]")
    desk.select_option("[data-testid=refer-form] select[name=department]", "mediation")
    desk.fill("[data-testid=refer-form] input[name=note]", "请街道劳动争议调解委员会介入")
    desk.click("[data-testid=refer-form] button[value=refer]")
    desk.wait_for_selector("[data-testid=referrals]")
    assert Referral.objects.filter(case=other, department="mediation").exists()
    screenshot(desk, "cases/06-console-referred")
    menu(desk, "预警")
    assert desk.get_by_test_id("red-count").inner_text() == "1"
    screenshot(desk, "cases/07-warnings")
    menu(desk, "法律体检")
    desk.fill("input[name=enterprise_uscc]", world.agent.uscc)
    desk.fill("input[name=checked_on]", "2026-11-01")
    desk.fill("textarea[name=findings]", "未与骑手签订书面协议")
    desk.click("[data-testid=checkup-form] button")
    desk.wait_for_selector("text=已记录法律体检")
    screenshot(desk, "cases/09-checkups")
    desk.goto(f"{base}/console/cases/new/")
    screenshot(desk, "cases/10-record-form")

    # The rider follows it in words.
    phone.reload()
    history = phone.get_by_test_id("case-history").inner_text()
    assert "工会受理了你的诉求" in history and "欠薪 4,200 元本周内支付" in history
    assert "申请重新办理" in phone.content()
    screenshot(phone, "cases/08-followed")
