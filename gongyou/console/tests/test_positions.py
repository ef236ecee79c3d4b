"""Staff pages: scope (404 outside), viewer (403 on writes), create/edit, Excel in and out,
QR codes, usage, feedback inbox, coverage."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from gongyou.core.actors import COMMAND
from gongyou.core.geo import gcj02_to_wgs84, haversine_m
from gongyou.core.models import Org, Region
from gongyou.core.services import create_org, create_staff
from gongyou.positions.models import Feedback, ServicePosition
from gongyou.positions.services import record_checkin, submit_feedback


@pytest.fixture
def huangpu_officer(world):
    district = Region.objects.get(code="310101")
    fed = create_org(
        name="黄浦区总工会", kind=Org.Kind.DISTRICT_FEDERATION, region=district, parent=world.city, actor=COMMAND
    )
    return create_staff(username="huangpu", password=PASSWORD, org=fed, role="officer", actor=COMMAND)


@pytest.fixture
def station(make_position):
    return make_position(name="徐家汇爱心接力站")


def login(client, user):
    client.force_login(user)
    return client


def test_pages_need_a_login(client, db):
    response = client.get("/stations/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


@pytest.mark.parametrize(
    "path", ["/stations/manage/{pk}/", "/stations/manage/{pk}/edit/", "/stations/manage/{pk}/qr.png"]
)
def test_staff_of_another_district_get_404(client, personas, huangpu_officer, station, path):
    login(client, huangpu_officer)
    assert client.get(path.format(pk=station.pk)).status_code == 404
    login(client, personas["other_street"])
    assert client.get(path.format(pk=station.pk)).status_code == 404
    login(client, personas["street"])
    assert client.get(path.format(pk=station.pk)).status_code == 200
    login(client, personas["city"])
    assert client.get(path.format(pk=station.pk)).status_code == 200


def test_registry_lists_only_the_scope(client, personas, huangpu_officer, station):
    body = login(client, huangpu_officer).get("/stations/manage/").content.decode()
    assert "徐家汇爱心接力站" not in body
    body = login(client, personas["street"]).get("/stations/manage/").content.decode()
    assert "徐家汇爱心接力站" in body


def test_registry_query_count_does_not_grow_with_rows(client, personas, make_position):
    login(client, personas["city"])
    make_position(name="一")
    client.get("/stations/manage/")
    with CaptureQueriesContext(connection) as few:
        client.get("/stations/manage/")
    for i in range(10):
        make_position(name=f"站{i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/stations/manage/")
    assert len(many) == len(few)


def test_viewer_cannot_write(client, personas, station):
    login(client, personas["viewer"])
    assert client.get(f"/stations/manage/{station.pk}/").status_code == 200
    assert client.get(f"/stations/manage/{station.pk}/edit/").status_code == 403
    assert client.post(f"/stations/manage/{station.pk}/status/", {"status": "retired"}).status_code == 403
    assert client.get("/stations/manage/new/").status_code == 403


def form_data(world, **overrides):
    data = {
        "name": "新接力站", "kind": "relay_station", "org": str(world.street_fed.pk), "street": world.street.code,
        "address": "虹桥路 1 号", "lng": "121.4418", "lat": "31.1930", "crs": "gcj02",
        "weekly_hours": "周一至周五 08:00-20:00；周六 22:00-06:00", "amenities": ["microwave", "toilet"], "status": "open",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_converts_gcj02_and_audits(client, world, personas):
    login(client, personas["street"])
    response = client.post("/stations/manage/new/", form_data(world))
    position = ServicePosition.objects.get(name="新接力站")
    assert response.status_code == 302 and response["Location"] == f"/stations/manage/{position.pk}/"
    assert position.code.startswith(f"RS-{world.street.code}-")
    assert position.weekly_hours["5"] == [["22:00", "06:00"]]
    assert position.amenities == ["microwave", "toilet"]
    # Stored WGS-84: the GCJ-02 input converted back (a few hundred metres away in Shanghai).
    w_lng, w_lat = gcj02_to_wgs84(121.4418, 31.1930)
    assert (position.lng, position.lat) == (pytest.approx(w_lng, abs=1e-6), pytest.approx(w_lat, abs=1e-6))
    assert haversine_m(121.4418, 31.1930, position.lng, position.lat) > 300
    from gongyou.core.models import AuditLog

    assert AuditLog.objects.filter(action="position.create", object_id=str(position.pk)).exists()


def test_create_shows_every_error(client, world, personas):
    login(client, personas["street"])
    response = client.post(
        "/stations/manage/new/",
        form_data(
            world, name="", lng="abc", weekly_hours="随便", amenities=["sauna"], org=str(world.other_street_fed.pk)
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in ("请填写名称", "经度应是", "无法识别的开放时间", "无法识别的设施", "不在你的管理范围内"):
        assert message in body
    assert not ServicePosition.objects.filter(address="虹桥路 1 号").exists()


def test_edit_changes_status_and_hours(client, world, personas, station):
    login(client, personas["street"])
    data = form_data(
        world, name="改名站", crs="wgs84", lng=f"{station.lng}", lat=f"{station.lat}", status="temporarily_closed"
    )
    assert client.post(f"/stations/manage/{station.pk}/edit/", data).status_code == 302
    station.refresh_from_db()
    assert station.name == "改名站" and station.status == "temporarily_closed"
    assert station.lng == pytest.approx(121.437)


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "import.xlsx"
    return out


HEADER = [
    "阵地编号",
    "名称",
    "类型",
    "管理工会",
    "街镇代码",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "开放时间",
    "24小时开放",
    "法定节假日闭站",
    "设施",
    "状态",
]


def test_import_applies_good_rows_and_reports_bad_ones(client, world, personas):
    login(client, personas["street"])
    upload = xlsx(
        [
            HEADER,
            [
                "X-1",
                "导入站一",
                "户外职工爱心接力站",
                "徐家汇街道总工会",
                "310104014",
                "路 1 号",
                121.44,
                31.19,
                "gcj02",
                "每天 08:00-20:00",
                "否",
                "否",
                "微波炉、饮水机",
                "正常开放",
            ],
            [None] * len(HEADER),
            ["X-2", "", "无此类型", "别人的工会", "999", "", "abc", 31.19, "gcj02", "", "否", "否", "桑拿", "正常开放"],
            [
                "X-3",
                "导入站三",
                "健康服务点",
                str(world.street_fed.pk),
                "310104014",
                "路 3 号",
                121.45,
                31.19,
                "wgs84",
                "",
                "是",
                "是",
                "",
                "正常开放",
            ],
        ]
    )
    body = client.post("/stations/manage/import/", {"file": upload}).content.decode()
    assert "新增 2 条" in body and "出错 1 行" in body
    assert "<td>4</td>" in body  # the spreadsheet row number, blank row included
    for message in ("请填写名称", "请选择阵地类型", "找不到这个管理工会", "找不到这个街镇代码", "无法识别的设施"):
        assert message in body
    assert set(ServicePosition.objects.values_list("code", flat=True)) == {"X-1", "X-3"}
    assert ServicePosition.objects.get(code="X-3").open_24h


def test_export_round_trips_through_import(client, world, personas, station):
    login(client, personas["street"])
    response = client.get("/stations/manage/", {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("阵地编号", "名称", "类型") and rows[1][0] == station.code
    upload = io.BytesIO(response.content)
    upload.name = "export.xlsx"
    body = client.post("/stations/manage/import/", {"file": upload}).content.decode()
    assert "未变化 1 条" in body and "出错 0 行" in body


def test_import_cannot_take_over_a_position_outside_scope(client, world, personas, huangpu_officer, station):
    login(client, huangpu_officer)
    huangpu_fed = Org.objects.get(name="黄浦区总工会")
    upload = xlsx(
        [
            HEADER,
            [
                station.code,
                "抢走",
                "户外职工爱心接力站",
                huangpu_fed.name,
                "310101002",
                "路",
                121.48,
                31.23,
                "wgs84",
                "每天 08:00-20:00",
                "否",
                "否",
                "",
                "正常开放",
            ],
        ]
    )
    body = client.post("/stations/manage/import/", {"file": upload}).content.decode()
    assert "阵地编号已被使用" in body
    station.refresh_from_db()
    assert station.name == "徐家汇爱心接力站"


def test_detail_shows_usage_and_a_qr_code(client, personas, station):
    for _ in range(3):
        record_checkin(station, actor=COMMAND)
    login(client, personas["street"])
    body = client.get(f"/stations/manage/{station.pk}/").content.decode()
    assert "<svg" in body and f"/stations/{station.pk}/checkin/" in body
    assert 'title="' in body and "：3" in body
    png = client.get(f"/stations/manage/{station.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get(f"/stations/manage/{station.pk}/qr.gif").status_code == 404


def test_feedback_inbox_is_scoped_and_handled(client, personas, huangpu_officer, station):
    item = submit_feedback(station, score=1, problem="closed_during_hours", actor=COMMAND)
    login(client, huangpu_officer)
    assert "开放时间内没开门" not in client.get("/stations/manage/feedback/").content.decode()
    assert client.post(f"/stations/manage/feedback/{item.pk}/", {"status": "resolved"}).status_code == 404
    login(client, personas["street"])
    assert "开放时间内没开门" in client.get("/stations/manage/feedback/").content.decode()
    client.post(f"/stations/manage/feedback/{item.pk}/", {"status": "resolved", "reply": "已联系站点"})
    item.refresh_from_db()
    assert item.status == "resolved" and item.handled_at is not None
    assert Feedback.objects.filter(status="resolved").count() == 1


def test_a_federation_registers_positions_only_in_its_own_territory(client, world, personas, huangpu_officer):
    # 徐家汇街道总工会 placing a station in another street would change that street's coverage.
    login(client, personas["street"])
    response = client.post("/stations/manage/new/", form_data(world, street=world.other_street.code))
    assert response.status_code == 400 and "不在徐家汇街道总工会的辖区内" in response.content.decode()
    assert not ServicePosition.objects.exists()
    # A district federation: any street of its district, none of another district.
    login(client, huangpu_officer)
    huangpu_fed = Org.objects.get(name="黄浦区总工会")
    huangpu_street = Region.objects.filter(parent__code="310101", level="street").first()
    assert client.post("/stations/manage/new/", form_data(world, org=str(huangpu_fed.pk))).status_code == 400
    ok = client.post("/stations/manage/new/", form_data(world, org=str(huangpu_fed.pk), street=huangpu_street.code))
    assert ok.status_code == 302
    assert ServicePosition.objects.get().street == huangpu_street


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/stations/manage/{pk}/edit/"),
        ("post", "/stations/manage/{pk}/status/"),
        ("get", "/stations/manage/{pk}/qr.svg"),
        ("post", "/stations/manage/feedback/{feedback}/"),
    ],
)
def test_writes_outside_scope_are_404_and_change_nothing(client, world, huangpu_officer, station, method, path):
    item = submit_feedback(station, score=3, actor=COMMAND)
    login(client, huangpu_officer)
    url = path.format(pk=station.pk, feedback=item.pk)
    response = getattr(client, method)(url, {**form_data(world), "status": "retired"})
    assert response.status_code == 404
    station.refresh_from_db()
    item.refresh_from_db()
    assert (station.name, station.status, item.status) == ("徐家汇爱心接力站", "open", "new")


def test_a_viewer_cannot_import_handle_feedback_or_set_street_points(client, world, personas, station):
    item = submit_feedback(station, score=3, actor=COMMAND)
    login(client, personas["viewer"])
    upload = xlsx([HEADER])
    assert client.post("/stations/manage/import/", {"file": upload}).status_code == 403
    assert client.post(f"/stations/manage/feedback/{item.pk}/", {"status": "resolved"}).status_code == 403
    assert client.get("/stations/manage/street-points/").status_code == 403
    assert client.post(f"/stations/manage/{station.pk}/edit/", form_data(world, name="改")).status_code == 403
    item.refresh_from_db()
    station.refresh_from_db()
    assert item.status == "new" and station.name == "徐家汇爱心接力站"
    # Reading stays open to a viewer: the inbox, the registry export and the coverage export.
    assert client.get("/stations/manage/feedback/").status_code == 200
    assert client.get("/stations/manage/", {"export": "xlsx"}).status_code == 200
    assert client.get("/stations/manage/coverage/", {"export": "xlsx"}).status_code == 200


def test_usage_counts_visits_per_day_and_per_week(client, personas, station):
    from django.utils import timezone

    from gongyou.positions.models import CheckIn

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    # Two visits today and one on this week's Monday (may be today); two in the week before; one
    # the week before that.
    before = [monday - dt.timedelta(days=n) for n in (1, 7, 8)]
    days = [today, today, monday, *before]
    for day in days:
        visit = record_checkin(station, actor=COMMAND)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        CheckIn.objects.filter(pk=visit.pk).update(at=at)
    login(client, personas["street"])
    usage = client.get(f"/stations/manage/{station.pk}/").context["usage"]
    per_day = dict(usage["days"])
    assert per_day[today] == 2 + (1 if monday == today else 0)
    weeks = dict(usage["weeks"])
    assert weeks[monday] == 3
    assert weeks[monday - dt.timedelta(days=7)] == 2 and weeks[monday - dt.timedelta(days=14)] == 1
    assert sum(weeks.values()) == len(days)


def test_import_reports_a_street_outside_the_federations_territory_on_its_row(world):
    from gongyou.positions.services import import_positions

    row = {
        "name": "越界站", "kind": "relay_station", "org": world.street_fed.name, "street": world.other_street.code,
        "address": "路 1 号", "lng": "121.44", "lat": "31.19", "crs": "wgs84", "weekly_hours": "每天 08:00-20:00",
        "open_24h": "否", "closed_on_holidays": "否", "amenities": "", "status": "正常开放", "_row": 7,
    }  # fmt: skip
    result = import_positions([row], orgs={world.street_fed.name: world.street_fed}, actor=COMMAND)
    assert result.created == 0 and result.errors[0]["row"] == 7
    assert result.errors[0]["errors"]["street"][0]["code"] == "street_outside_territory"


def test_exported_text_never_becomes_a_formula():
    import io

    from openpyxl import load_workbook

    from gongyou.positions.excel import workbook

    data = workbook("反馈", ["说明"], [["=HYPERLINK(\"http://evil\",\"x\")"]])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
