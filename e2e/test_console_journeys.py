"""Staff console journeys in a real browser (issue 3: b, c, d). Every page visited is saved under
artifacts/screenshots/console/."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import Workbook

from gongyou.console.roster_io import COLUMNS
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.services import set_approval_mode
from gongyou.core.testing import make_id_number, make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Transfer
from gongyou.members.services import join
from gongyou.members.transfers import request_transfer

from .conftest import menu

pytestmark = pytest.mark.browser
# The personas' password (conftest.PASSWORD; two conftest modules make importing it ambiguous).
PASSWORD = "Gongyou-test-2026!"


def join_worker(seq, **overrides):
    return join(clean_worker(worker_data(seq, **overrides)), channel="qr", actor=Actor.worker()).membership


@pytest.fixture
def journey_data(transactional_db, world, personas):
    street_member = join_worker(1)
    other = join_worker(2, street_code=world.other_street.code, industry="express")
    transfer = request_transfer(other, world.street_union_food, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="换到徐家汇送外卖")
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    applied = join_worker(3)
    return {"street_member": street_member, "other": other, "transfer": transfer, "applied": applied}


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def test_street_officer_approves_an_application_and_accepts_a_transfer(live_server, journey_data, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    page.goto(f"{base}/console/login/")
    screenshot(page, "console/b-01-login")
    login(page, base, "street")
    assert page.get_by_test_id("applied").inner_text() == "1"
    assert page.get_by_test_id("incoming").inner_text() == "1"
    screenshot(page, "console/b-02-home")

    menu(page, "入会审批")
    applied = journey_data["applied"]
    row = page.locator("tr", has_text=applied.member_no)
    screenshot(page, "console/b-03-applications")
    row.get_by_role("button", name="批准").click()
    page.wait_for_selector("text=已批准入会")
    assert page.locator("text=没有待审批的入会申请").is_visible()
    screenshot(page, "console/b-04-approved")
    assert Membership.objects.get(pk=applied.pk).status == "active"

    menu(page, "组织关系接转")
    other = journey_data["other"]
    row = page.locator("tr", has_text=other.member_no)
    assert row.is_visible()
    screenshot(page, "console/b-05-incoming-transfers")
    row.get_by_role("button", name="接收").click()
    page.wait_for_selector(f"text=已接收 {other.person.name} 的组织关系")
    screenshot(page, "console/b-06-transfer-accepted")
    moved = Membership.objects.get(pk=other.pk)
    assert moved.status == "active" and moved.org_id == journey_data["transfer"].to_org_id

    page.goto(f"{base}/console/members/{other.member_no}/")
    assert page.locator("text=接转完成").is_visible()
    screenshot(page, "console/b-07-member-history")


def test_a_street_officer_cannot_open_another_streets_member_but_the_city_can(live_server, journey_data, browser, screenshot):
    member = journey_data["other"]
    url = f"{live_server.url}/console/members/{member.member_no}/"
    for username, expected in (("street", 404), ("city", 200)):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        login(page, live_server.url, username)
        response = page.goto(url)
        assert response.status == expected
        if expected == 404:
            assert page.get_by_test_id("not-found").is_visible()
            assert member.person.name not in page.content()
        else:
            assert page.locator("h1", has_text=member.person.name).is_visible()
        screenshot(page, f"console/c-{username}-member-{expected}")
        context.close()


def roster_file() -> bytes:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for seq in (11, 12, 13):
        book.active.append([f"R{seq}", f"骑手{seq}", make_id_number(seq), make_phone(seq), "310104014", "ST-001", "independent", "food_delivery", "是"])
    bad_id = make_id_number(14)
    bad_id = bad_id[:-1] + ("0" if bad_id[-1] != "0" else "1")
    book.active.append(["R14", "错号骑手", bad_id, make_phone(14), "310104014", "", "independent", "food_delivery", "是"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_roster_import_with_a_bad_row_shows_the_rows_reason(live_server, journey_data, world, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    menu(page, "名册导入")
    screenshot(page, "console/d-01-roster-home")
    with page.expect_download() as download:
        page.click("text=下载Excel模板")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.set_input_files("input[type=file]", files=[{"name": "骑手名册.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": roster_file()}])
    page.click("text=上传并预览")
    page.wait_for_selector("text=前几行预览")
    assert page.get_by_test_id("invalid-count").inner_text() == "1"
    assert page.locator("text=校验位不正确").first.is_visible()
    screenshot(page, "console/d-02-preview")
    page.select_option("select[name=enterprise]", str(world.agent.pk))
    page.click("text=开始导入")
    page.wait_for_selector("text=导入完成")
    assert page.get_by_test_id("created").inner_text() == "3"
    row = page.get_by_test_id("rejected-row")
    assert row.count() == 1
    assert "R14" in row.inner_text() and "身份证号码校验位不正确" in row.inner_text()
    screenshot(page, "console/d-03-result")


def test_the_approval_checkbox_of_the_create_union_form_lines_up_with_the_other_fields(live_server, journey_data, world, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    page.goto(f"{base}/console/orgs/{world.street_union_food.pk}/")
    form = page.locator("form[action$='/create/']")
    form.scroll_into_view_if_needed()
    box = form.locator("input[name=approval_required]").bounding_box()
    # Its neighbour on the same row of the wrapping form (every kind's fields are on it now).
    date = form.locator("select[name=second_manager]").bounding_box()
    label = form.locator("label.field", has=page.locator("input[name=approval_required]")).bounding_box()
    date_label = form.locator("label.field", has=page.locator("select[name=second_manager]")).bounding_box()
    element = form.locator("xpath=..")
    element.screenshot(path=str(screenshot(page, "console/org-create-form").with_name("org-create-form-card.png")))
    # The box is centred on its neighbour input's line, and its label text starts on the same line
    # as the other labels (before: the label sat higher and the box dropped below the inputs' line).
    assert abs((box["y"] + box["height"] / 2) - (date["y"] + date["height"] / 2)) <= 2
    assert abs(label["y"] - date_label["y"]) <= 2 and abs(label["height"] - date_label["height"]) <= 2
    assert box["x"] - label["x"] <= 4  # left-aligned under its label like a text input, not centred


def test_street_staff_opening_the_audit_log_see_the_one_reason_centred(live_server, journey_data, desktop_page, screenshot):
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    response = page.goto(f"{base}/console/audit/")
    assert response.status == 403
    block = page.get_by_test_id("forbidden")
    reason = page.get_by_test_id("forbidden-reason")
    assert reason.inner_text() == "审计日志只有管理员可以查看。"
    assert block.locator("li").count() == 0  # no list of rules that do not apply
    screenshot(page, "console/forbidden-audit")
    # Heading, reason and button share one centre line (before: bullets hung at the left edge).
    centres = [
        (box["x"] + box["width"] / 2)
        for box in (block.locator("h1").bounding_box(), reason.bounding_box(), block.locator("a.btn").bounding_box())
    ]
    assert max(centres) - min(centres) <= 2


def test_an_officer_imports_the_file_hr_sent_after_mapping_one_column(live_server, journey_data, world, desktop_page, screenshot):
    from gongyou.console.tests.hr_files import HR_HEADER, hr_roster
    from gongyou.members.models import RosterEntry

    page, base = desktop_page, live_server.url
    login(page, base, "street")
    menu(page, "名册导入")
    page.set_input_files("input[type=file]", files=[{"name": "骑手花名册.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": hr_roster()}])
    page.click("text=上传并预览")
    page.wait_for_selector("text=列对应")
    assert "工作街镇代码" in page.get_by_test_id("missing-columns").inner_text()
    assert page.get_by_role("button", name="开始导入").is_disabled()
    screenshot(page, "console/e-01-hr-file-unmapped")
    page.get_by_label("配送区域").select_option("street_code")
    page.click("text=按此对应重新检查")
    page.wait_for_selector("text=已按新的列对应重新检查")
    assert page.get_by_test_id("missing-columns").count() == 0
    assert page.get_by_test_id("valid-count").inner_text() == "3"
    assert page.get_by_test_id("invalid-count").inner_text() == "1"
    assert page.locator("text=Excel 把身份证号存成了数字").first.is_visible()
    screenshot(page, "console/e-02-hr-file-mapped")
    page.select_option("select[name=enterprise]", str(world.agent.pk))
    page.click("text=开始导入")
    page.wait_for_selector("text=导入完成")
    assert page.get_by_test_id("created").inner_text() == "3"
    row = page.get_by_test_id("rejected-row")
    assert row.count() == 1 and "A004" in row.inner_text()
    screenshot(page, "console/e-03-hr-file-imported")
    with page.expect_download() as download:
        page.click("text=下载问题清单（Excel）")
    from openpyxl import load_workbook

    header = next(load_workbook(BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
    assert list(header) == [*HR_HEADER, "未导入原因"]
    assert RosterEntry.objects.filter(enterprise=world.agent, external_id__in=["A001", "A002", "A003"]).count() == 3
