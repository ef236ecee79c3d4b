"""A street federation runs its network in the browser (issue 10): its admin founds a street
("小二级") union, registers a delivery station, founds the station's union under the new street
union, and opens an account for a colleague there. A district officer loads a real-shaped
market-registry extract (title row above the header), opens founding tasks from the gap list and
finds them among the tasks; then uploads enterprises and stations with bad rows, downloads the
error file, and places an uploaded station on the map. Screenshots under
artifacts/screenshots/network/."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gongyou.console import totp
from gongyou.console.models import StaffTOTP
from gongyou.core import crypto
from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise, Org, StaffProfile, Station
from gongyou.core.services import create_staff
from gongyou.core.testing import make_uscc
from gongyou.members.models import FoundingTask

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"


@pytest.fixture
def street_admin(transactional_db, world):
    admin = create_staff(
        username="street_admin",
        password=PASSWORD,
        org=world.street_fed,
        role=StaffProfile.Role.ADMIN,
        actor=COMMAND,
        name="李主席",
    )
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    return secret


def test_a_street_federation_founds_unions_registers_a_station_and_opens_an_account(
    live_server, world, street_admin, desktop_page, screenshot
):
    page, base = desktop_page, live_server.url
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "street_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/login/totp/.*"))
    page.fill("#id_code", totp.code_at(street_admin))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))

    # 1. A street union under the street federation.
    page.goto(f"{base}/console/orgs/{world.street_fed.pk}/")
    create = page.locator("form[action$='/create/']")
    create.locator("select[name=kind]").select_option("street_union")
    create.locator("input[name=name]").fill("徐家汇街道货运行业工会")
    create.locator("select[name=founding_mode]").select_option("regional")
    create.locator("select[name=industry]").select_option("freight")
    screenshot(page, "network/01-found-street-union")
    create.get_by_role("button", name="建立").click()
    page.wait_for_selector("text=已建立徐家汇街道货运行业工会")
    street_union = Org.objects.get(name="徐家汇街道货运行业工会")
    assert (street_union.kind, street_union.parent, street_union.region) == (
        "street_union",
        world.street_fed,
        world.street,
    )
    screenshot(page, "network/02-street-union")

    # 2. A delivery station of the agent enterprise in the street.
    page.goto(f"{base}/console/stations/")
    page.click("text=登记配送站点")
    page.fill("input[name=code]", "ST-XJH-9")
    page.fill("input[name=name]", "徐家汇南站")
    page.select_option("select[name=enterprise]", str(world.agent.pk))
    page.select_option("select[name=street]", str(world.street.pk))
    page.fill("input[name=address]", "虹桥路1号")
    screenshot(page, "network/03-register-station")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/console/stations/$"))
    station = Station.objects.get(code="ST-XJH-9")
    assert page.locator("td", has_text="徐家汇南站").first.is_visible()

    # 3. The station's union under the new street union, co-managed by the agent's union.
    page.goto(f"{base}/console/orgs/{street_union.pk}/")
    create = page.locator("form[action$='/create/']")
    create.locator("select[name=kind]").select_option("station_union")
    create.locator("input[name=name]").fill("徐家汇南站分工会")
    create.locator("select[name=station]").select_option(str(station.pk))
    create.locator("select[name=second_manager]").select_option(str(world.agent_union.pk))
    screenshot(page, "network/04-found-station-union")
    create.get_by_role("button", name="建立").click()
    page.wait_for_selector("text=已建立徐家汇南站分工会")
    station_union = Org.objects.get(name="徐家汇南站分工会")
    assert (station_union.parent, station_union.station, station_union.second_manager) == (
        street_union,
        station,
        world.agent_union,
    )
    screenshot(page, "network/05-station-union")

    # 4. An account for a colleague at the new street union; the temporary password shown once.
    menu(page, "工作人员账号")
    page.click("text=开设账号")
    page.fill("input[name=username]", "xiaozhao")
    page.fill("input[name=name]", "赵干事")
    page.select_option("select[name=org]", str(street_union.pk))
    page.select_option("select[name=role]", "officer")
    screenshot(page, "network/06-new-account")
    page.get_by_role("button", name="开设账号").click()
    page.wait_for_selector("[data-secret=password]")
    screenshot(page, "network/07-account-opened")
    password = page.locator("[data-secret=password]").inner_text()
    profile = StaffProfile.objects.get(user__username="xiaozhao")
    assert (profile.org, profile.role, profile.must_change_password) == (street_union, "officer", True)
    assert profile.user.check_password(password)

    # 5. The colleague moves to the street federation itself as a read-only viewer.
    page.goto(f"{base}/console/staff/{profile.pk}/")
    role_form = page.locator("#staff-role-form")
    role_form.locator("select[name=org]").select_option(str(world.street_fed.pk))
    role_form.locator("select[name=role]").select_option("viewer")
    screenshot(page, "network/07b-change-role")
    role_form.get_by_role("button", name="保存角色和组织").click()
    page.wait_for_selector("text=已修改账号 xiaozhao 的角色和组织")
    profile.refresh_from_db()
    assert (profile.org, profile.role) == (world.street_fed, "viewer")


TILES = re.compile(r"https?://[^/]*(openstreetmap|autonavi|amap)\.[^/]+/.*")
REGISTRY_HEADER = ["统一社会信用代码", "企业名称", "法定代表人", "行业代码", "住所", "登记机关", "登记状态", "成立日期", "注册资本"]


def _registry_extract(path, other_street_name):
    """What the market-regulation bureau sends: a title row, a note row, then the header."""
    book = Workbook()
    sheet = book.active
    sheet.append(["徐汇区市场主体登记信息（新就业形态相关行业）"])
    sheet.append(["导出日期：2026-11-30"])
    sheet.append(REGISTRY_HEADER)
    authority = "上海市徐汇区市场监督管理局"
    sheet.append([make_uscc(701), "徐汇快送配送有限公司", "王五", "6242", "上海市徐汇区徐家汇街道虹桥路8号", authority, "存续", "2021-03-01", "100万"])
    sheet.append([make_uscc(702), "武康快递服务有限公司", "赵六", "6020", f"上海市徐汇区{other_street_name}武康路2号", authority, "在业", "2019-07-15", "50万"])
    sheet.append([make_uscc(703), "徐汇小馆餐饮管理有限公司", "钱七", "6210", "上海市徐汇区徐家汇街道漕溪北路3号", authority, "存续", "2018-01-02", "10万"])
    sheet.append([make_uscc(704), "已注销配送有限公司", "孙八", "6242", "上海市徐汇区徐家汇街道天钥桥路4号", authority, "注销", "2017-05-05", "10万"])
    sheet.append(["91310104ABC", "代码写错有限公司", "周九", "6242", "上海市徐汇区徐家汇街道", authority, "存续", "2020-01-01", "10万"])
    book.save(path)
    return path


@pytest.fixture
def district_officer(transactional_db, world):
    return create_staff(
        username="xuhui_officer", password=PASSWORD, org=world.district, role=StaffProfile.Role.OFFICER,
        actor=COMMAND, name="徐汇区总工会干事",
    )  # fmt: skip


def test_a_district_officer_finds_gaps_opens_founding_tasks_and_uploads_enterprises_and_stations(
    live_server, world, district_officer, desktop_page, screenshot, tmp_path
):
    page, base = desktop_page, live_server.url
    page.context.route(TILES, lambda route: route.abort())
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "xuhui_officer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))

    # 1. The registry extract: a title row above the header, one bad USCC.
    page.goto(f"{base}/console/registry/")
    page.set_input_files("input[name=file]", str(_registry_extract(tmp_path / "徐汇区登记信息.xlsx", world.other_street.name)))
    screenshot(page, "network/08-registry-upload")
    page.click("text=上传并导入")
    page.wait_for_selector("#registry-summary")
    assert "新增 4 家" in page.inner_text("#registry-summary") and "未导入 1 行" in page.inner_text("#registry-summary")
    screenshot(page, "network/09-registry-result")

    # 2. The gap list: the trading delivery and express enterprises, not the restaurant nor the
    # one that left the register; founding tasks for both, each to its street federation.
    page.click("text=查看建会盲区")
    page.wait_for_url(re.compile(r".*/console/gaps/$"))
    rows = page.locator("table.list tbody")
    assert rows.locator("text=徐汇快送配送有限公司").count() == 1 and rows.locator("text=武康快递服务有限公司").count() == 1
    assert rows.locator("text=徐汇小馆餐饮管理有限公司").count() == 0 and rows.locator("text=已注销配送有限公司").count() == 0
    page.check("input[aria-label=徐汇快送配送有限公司]")
    page.check("input[aria-label=武康快递服务有限公司]")
    screenshot(page, "network/10-gap-list")
    page.click("text=为勾选的企业新建建会任务")
    page.wait_for_url(re.compile(r".*/console/tasks/$"))
    page.wait_for_selector("text=已新建2个建会任务")
    tasks = page.locator("table.list tbody")
    assert tasks.locator("tr", has_text="徐汇快送配送有限公司").locator("td").nth(1).inner_text() == world.street_fed.name
    assert tasks.locator("tr", has_text="武康快递服务有限公司").locator("td").nth(1).inner_text() == world.other_street_fed.name
    assert FoundingTask.objects.filter(enterprise__uscc__in=[make_uscc(701), make_uscc(702)]).count() == 2
    screenshot(page, "network/11-founding-tasks")

    # 3. Enterprises uploaded: a title row, an agent of the platform, a row in another district
    # (outside the officer's streets) and a row with no name.
    enterprises = tmp_path / "enterprises.csv"
    enterprises.write_text(
        "徐汇区新登记平台关联企业\n"
        "uscc,name,industry,street_code,is_head,parent_uscc,relation\n"
        f"{make_uscc(711)},徐汇骑手配送代理有限公司,food_delivery,{world.street.code},否,{world.platform.uscc},agent\n"
        f"{make_uscc(712)},黄浦区的公司,express,310101002,否,,\n"
        f"{make_uscc(713)},,express,{world.other_street.code},否,,\n",
        encoding="utf-8",
    )
    page.goto(f"{base}/console/enterprises/")
    page.click("text=批量导入")
    page.wait_for_url(re.compile(r".*/console/enterprises/import/$"))
    page.set_input_files("input[name=file]", str(enterprises))
    page.click("text=上传并导入")
    page.wait_for_selector("#import-summary")
    assert "新增 1 家" in page.inner_text("#import-summary") and "未导入 2 行" in page.inner_text("#import-summary")
    errors = page.locator("[data-testid=import-error]")
    assert errors.count() == 2 and "不在您的管辖范围内" in errors.nth(0).inner_text()
    screenshot(page, "network/12-enterprise-upload-errors")
    with page.expect_download() as download_info:
        page.click("#import-errors-download")
    with open(download_info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    lines = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["uscc", "name", "industry", "street_code", "is_head", "parent_uscc", "relation", "未导入原因"]
    assert [line[0] for line in lines[1:]] == [make_uscc(712), make_uscc(713)]
    assert "请填写企业名称" in lines[2][-1]
    assert Enterprise.objects.get(uscc=make_uscc(711)).parent == world.platform

    # 4. Stations uploaded for the new agent (one with a point), one for an unknown enterprise.
    stations = tmp_path / "stations.csv"
    stations.write_text(
        "station_code,station_name,uscc,street_code,address,lng,lat\n"
        f"ST-XH-1,徐家汇北站,{make_uscc(711)},{world.street.code},虹桥路10号,,\n"
        f"ST-XH-2,无主站,{make_uscc(799)},{world.street.code},,,\n",
        encoding="utf-8",
    )
    page.set_input_files("input[name=file]", str(stations))
    page.click("text=上传并导入")
    page.wait_for_selector("#import-summary")
    assert "站点：新增 1 个" in page.inner_text("#import-summary")
    assert "找不到这家企业" in page.locator("[data-testid=import-error]").first.inner_text()
    screenshot(page, "network/13-station-upload")

    # 5. The uploaded station placed on the map from its edit page.
    page.goto(f"{base}/console/stations/")
    page.locator("tr", has_text="徐家汇北站").get_by_role("link", name="编辑").click()
    page.wait_for_selector("#pos-pick-map.leaflet-container")
    page.locator("#pos-pick-map").click(position={"x": 300, "y": 150})
    assert page.locator("#pos-pick-map .leaflet-marker-icon").count() == 1
    lng, lat = float(page.input_value("input[name=lng]")), float(page.input_value("input[name=lat]"))
    page.fill("input[name=address]", "虹桥路10号（北门）")
    screenshot(page, "network/14-station-edit-map")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/console/stations/$"))
    station = Station.objects.get(code="ST-XH-1")
    assert station.address == "虹桥路10号（北门）" and station.lng is not None
    assert abs(station.lng - lng) < 0.01 and abs(station.lat - lat) < 0.01
