"""An officer runs a campaign and the insurer's list on a desktop (issue 8): the city federation's
officer creates a campaign as a draft, allocates its quota down the tree to a district, a street
and a service position (a share larger than its parent's remainder is refused on the page),
publishes it, exports the insured list of an insurance plan (a real .xlsx with the fixed
columns, ID numbers masked) and opens an incident's photo. Pages are saved under
artifacts/screenshots/benefits/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from gongyou.benefits.inputs import check_photo, clean_plan
from gongyou.benefits.insurance import (
    INSURED_COLUMNS,
    create_plan,
    enrol_member,
    report_incident,
    set_plan_status,
)
from gongyou.benefits.models import Allocation, Campaign
from gongyou.benefits.photos import store_incident_photo
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.inputs import clean_position
from gongyou.positions.services import create_position
from gongyou.positions.tests.conftest import position_data

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # the personas' password (conftest.PASSWORD)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d8e1f6"
    "0000000049454e44ae426082"
)


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))


def allocate(page, target, quota):
    page.select_option("select[name=target]", target)
    page.fill("input[name=quota]", str(quota))
    page.click("button:has-text('分配')")
    page.wait_for_load_state()


@pytest.fixture
def insured_plan(world, settings, tmp_path):
    """A city plan with two enrolled riders, one of whom reported an accident with a photo."""
    settings.VAR_DIR = tmp_path
    plan = create_plan(clean_plan(plan_data(name="骑手专享保障", insurer="示例保险")), org=world.city, actor=COMMAND)
    plan = set_plan_status(plan, "open", actor=COMMAND)
    enrolments = []
    for seq in (1, 2):
        member = join(clean_worker(worker_data(seq)), channel="qr", actor=Actor.worker()).membership
        roster(world, member, seq)
        enrolments.append(enrol_member(plan, member, channel="staff", actor=COMMAND))
    photo = check_photo("scene.png", len(PNG_1PX), PNG_1PX[:16], PNG_1PX)
    report_incident(
        enrolments[0], occurred_at=timezone.now(), place="漕溪北路", description="送餐途中摔伤", photos=[photo],
        actor=Actor.worker(),
    )  # fmt: skip
    store_incident_photo(photo, PNG_1PX)
    return plan, enrolments


@pytest.mark.usefixtures("transactional_db")
def test_an_officer_creates_allocates_and_publishes_a_campaign_and_exports_the_insured_list(
    live_server, world, personas, insured_plan, desktop_page, screenshot
):
    streets = {world.street.code: world.street}
    position = create_position(
        clean_position(
            position_data(world.street_union_food, world.street, name="徐家汇骑手驿站"),
            orgs={str(world.street_union_food.pk): world.street_union_food},
            streets=streets,
        ),
        actor=COMMAND,
    )
    page, base = desktop_page, live_server.url
    login(page, base, "city")

    # 1. Create the campaign as a draft.
    menu(page, "服务活动")
    page.click("text=新建活动")
    page.select_option("select[name=kind]", "winter_warmth")
    page.fill("input[name=title]", "冬季送温暖")
    page.fill("input[name=items]", "羽绒手套、暖宝宝")
    page.fill("input[name=funding_source]", "市总工会专项经费")
    year = timezone.localdate().year
    page.fill("input[name=starts_at]", f"{year - 1}-12-01T09:00")
    page.fill("input[name=ends_at]", f"{year + 1}-02-28T18:00")
    page.fill("input[name=quota]", "100")
    page.check("input[name=industries][value=food_delivery]")
    page.select_option("select[name=status]", "draft")
    screenshot(page, "benefits/officer-01-new-campaign")
    page.click("button:has-text('保存')")
    page.wait_for_url(re.compile(r".*/console/campaigns/\d+/$"))
    campaign = Campaign.objects.get(title="冬季送温暖")
    assert campaign.status == "draft" and campaign.org == world.city
    assert "草稿" in page.inner_text("h1")

    # 2. Allocate down the tree: district → street → service position.
    allocate(page, f"org:{world.district.pk}", 60)
    page.wait_for_selector(".flash >> text=徐汇区总工会")
    allocate(page, f"org:{world.street_fed.pk}", 30)
    allocate(page, f"position:{position.pk}", 31)  # more than the street's 30: refused, nothing changes
    page.wait_for_selector("text=分配的名额超过了上级剩余的名额（30）")
    screenshot(page, "benefits/officer-02-refused")
    allocate(page, f"position:{position.pk}", 10)
    page.wait_for_selector(".flash >> text=徐家汇骑手驿站")
    rows = page.locator("[data-testid=allocations] tbody tr")
    assert rows.count() == 3
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert texts[0].split("\t")[:3] == ["徐汇区总工会", "总名额", "60"]
    assert texts[1].split("\t")[:3] == ["徐家汇街道总工会", "徐汇区总工会", "30"]
    assert "徐家汇骑手驿站" in texts[2] and texts[2].split("\t")[1:3] == ["徐家汇街道总工会", "10"]
    street = Allocation.objects.get(campaign=campaign, org=world.street_fed)
    assert (street.quota, street.allocated) == (30, 10)
    assert Allocation.objects.get(campaign=campaign, position=position).parent == street

    # 3. Publish.
    page.click("button:has-text('发布')")
    page.wait_for_selector("h1 >> text=已发布")
    assert Campaign.objects.get(pk=campaign.pk).status == "published"
    screenshot(page, "benefits/officer-03-published")
    assert {"campaign.create", "campaign.allocate", "campaign.published"} <= set(
        AuditLog.objects.filter(actor_label="staff:city").values_list("action", flat=True)
    )

    # 4. The insured list for the insurer: a real workbook in the fixed columns, IDs masked.
    plan, enrolments = insured_plan
    menu(page, "会员保障")
    page.click(f"text={plan.name}")
    page.wait_for_url(re.compile(rf".*/console/insurance/{plan.pk}/$"))
    screenshot(page, "benefits/officer-04-plan")
    with page.expect_download() as info:
        page.click(".actions >> text=导出投保名单")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = Path(download.path()).read_bytes()
    assert data[:2] == b"PK"  # a zip container, as every .xlsx is
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == INSURED_COLUMNS
    assert sorted(r[0] for r in rows[1:]) == sorted(e.pk for e in enrolments)
    by_id = {r[0]: r for r in rows[1:]}
    first = enrolments[0]
    assert by_id[first.pk][1] == first.membership.member_no
    assert by_id[first.pk][3] == first.person.id_masked and "*" in by_id[first.pk][3]

    # 5. The incident's photo, opened from the incidents page (audited).
    page.click(".actions >> text=出险报案")
    page.wait_for_selector("[data-testid=incident-photos] a")
    screenshot(page, "benefits/officer-05-incidents")
    with page.context.expect_page() as popup_info:
        page.click("[data-testid=incident-photos] >> text=照片1")
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.evaluate("() => document.contentType") == "image/png"
    assert popup.evaluate("() => document.images.length === 1 && document.images[0].naturalWidth") == 1
    popup.close()
    assert AuditLog.objects.filter(action="reveal.incident_photo", actor_label="staff:city").count() == 1
