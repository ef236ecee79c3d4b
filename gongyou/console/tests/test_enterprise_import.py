"""The console's upload of the enterprise and station files import_enterprises takes: the same
service path, rows outside the uploader's streets refused as row errors, the refused rows
downloadable with their reasons."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from gongyou.core.models import AuditLog, Enterprise, Station
from gongyou.core.testing import make_uscc

HEADER = ["uscc", "name", "industry", "street_code", "is_head", "parent_uscc", "relation"]
STATION_HEADER = ["station_code", "station_name", "uscc", "street_code", "address", "lng", "lat"]


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def _csv(rows, header=HEADER, name="enterprises.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode("utf-8"))
    upload.name = name
    return upload


def _xlsx(rows, header=HEADER, title=None, name="enterprises.xlsx"):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def test_an_officer_uploads_enterprises_and_out_of_scope_rows_are_row_errors(street_client, world):
    rows = [
        [make_uscc(601), "新代理有限公司", "food_delivery", world.street.code, "否", world.platform.uscc, "agent"],
        [make_uscc(602), "别的街道的公司", "express", world.other_street.code, "否", "", ""],  # row 4: other street
        [world.platform.uscc, "示例外卖平台有限公司", "food_delivery", world.street.code, "是", "", ""],  # unchanged
        [make_uscc(603), "", "knitting", world.street.code, "0", "", ""],  # row 6: bad
    ]
    response = street_client.post("/console/enterprises/import/", {"file": _xlsx(rows, title="徐家汇街道企业名单")})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.counts == {"created": 1, "updated": 0, "unchanged": 1}
    assert [(r["index"], sorted(r["errors"])) for r in result.rejected] == [
        (4, ["street_code"]),
        (6, ["industry", "name"]),
    ]
    assert result.rejected[0]["errors"]["street_code"][0]["code"] == "not_in_scope"
    assert Enterprise.objects.get(uscc=make_uscc(601)).parent == world.platform
    assert not Enterprise.objects.filter(uscc=make_uscc(602)).exists()
    entry = AuditLog.objects.get(
        action="enterprise.create", object_id=str(Enterprise.objects.get(uscc=make_uscc(601)).pk)
    )
    assert entry.actor_label == "staff:street"
    assert "这个街镇不在您的管辖范围内" in response.content.decode()

    download = street_client.get("/console/enterprises/import/errors/")
    sheet = load_workbook(io.BytesIO(download.content)).active
    lines = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == [*HEADER, "未导入原因"]
    assert lines[1][:4] == [make_uscc(602), "别的街道的公司", "express", world.other_street.code]
    assert "不在您的管辖范围内" in lines[1][-1]
    assert lines[2][0] == make_uscc(603) and "请填写企业名称" in lines[2][-1]
    assert len(lines) == 3


def test_an_enterprise_registered_elsewhere_is_not_overwritten_nor_used_as_parent(client, personas, world):
    client.force_login(personas["other_street"])
    rows = [
        [world.no_union_enterprise.uscc, "改名", "express", world.other_street.code, "0", "", ""],
        [make_uscc(611), "子公司", "express", world.other_street.code, "0", world.platform.uscc, "subsidiary"],
    ]
    result = client.post("/console/enterprises/import/", {"file": _csv(rows)}).context["result"]
    codes = {r["index"]: {f: [e["code"] for e in es] for f, es in r["errors"].items()} for r in result.rejected}
    assert codes == {2: {"uscc": ["not_in_scope"]}, 3: {"parent_uscc": ["unknown_parent"]}}
    world.no_union_enterprise.refresh_from_db()
    assert world.no_union_enterprise.name == "无工会快递有限公司"


def test_stations_are_uploaded_with_their_location_and_updated_by_code(street_client, world):
    rows = [
        ["ST-500", "上传的站", world.agent.uscc, world.street.code, "某路5号", "121.43", "31.19"],
        ["ST-002", "漕河泾站（改）", world.no_union_enterprise.uscc, world.street.code, "新地址", "", ""],
        ["ST-501", "别的街道", world.agent.uscc, world.other_street.code, "", "", ""],  # row 4
        ["ST-001", "换企业", world.no_union_enterprise.uscc, world.street.code, "", "", ""],  # row 5
        ["ST-502", "坐标反了", world.agent.uscc, world.street.code, "", "31.19", "121.43"],  # row 6
        ["ST-500", "重复", world.agent.uscc, world.street.code, "", "", ""],  # row 7
    ]
    response = street_client.post("/console/enterprises/import/", {"file": _csv(rows, STATION_HEADER, "s.csv")})
    result = response.context["result"]
    assert result.kind == "stations" and result.counts == {"created": 1, "updated": 1, "unchanged": 0}
    codes = {r["index"]: sorted(e["code"] for es in r["errors"].values() for e in es) for r in result.rejected}
    assert codes == {4: ["not_in_scope"], 5: ["enterprise_changed"], 6: ["bad_lat"], 7: ["duplicate_in_file"]}
    new = Station.objects.get(code="ST-500")
    assert (new.enterprise, new.street, new.lng, new.lat) == (world.agent, world.street, 121.43, 31.19)
    assert Station.objects.get(code="ST-002").address == "新地址"
    assert "站点：新增 1 个" in response.content.decode()
    again = street_client.post("/console/enterprises/import/", {"file": _csv(rows[:2], STATION_HEADER, "s.csv")})
    assert again.context["result"].counts == {"created": 0, "updated": 0, "unchanged": 2}


def test_an_unreadable_file_or_missing_column_is_said_on_the_page(street_client):
    bad = io.BytesIO(b"not a zip")
    bad.name = "e.xlsx"
    response = street_client.post("/console/enterprises/import/", {"file": bad})
    assert response.status_code == 400 and "无法读取" in response.content.decode()
    missing = street_client.post("/console/enterprises/import/", {"file": _csv([["x"]], HEADER[:-1])})
    assert missing.status_code == 400 and "表头缺少列：relation" in missing.content.decode()
    assert street_client.get("/console/enterprises/import/errors/").status_code == 404


def test_templates_download_for_both_kinds(street_client):
    for query, first in (("", "uscc"), ("?kind=stations", "station_code")):
        response = street_client.get(f"/console/enterprises/import/template/{query}")
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == first


def test_a_viewer_cannot_upload(client, personas, world):
    client.force_login(personas["viewer"])
    assert client.get("/console/enterprises/import/").status_code == 200
    rows = [[make_uscc(621), "只读", "express", world.street.code, "0", "", ""]]
    assert client.post("/console/enterprises/import/", {"file": _csv(rows)}).status_code == 403
    assert not Enterprise.objects.filter(uscc=make_uscc(621)).exists()
