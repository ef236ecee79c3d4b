"""Roster import of the file an HR department really sends (issue 7, part 2 items 1 and 2)."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gongyou.console.models import RosterColumnMap, RosterImport
from gongyou.console.roster_io import COLUMNS
from gongyou.console.tests.hr_files import HR_HEADER, hr_roster
from gongyou.core.testing import make_id_number, make_phone
from gongyou.members.models import RosterEntry

AS_NUMBER = "Excel 把身份证号存成了数字，请把该列设为文本后重新导出"


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def upload(client, data, name="花名册.xlsx", **extra):
    client.post("/console/roster/upload/", {"file": SimpleUploadedFile(name, data), **extra})
    return RosterImport.objects.order_by("-id").first()


def run_import(client, staged, enterprise):
    client.post(f"/console/roster/{staged.pk}/", {"enterprise": enterprise.pk})
    for _ in range(10):
        if RosterImport.objects.get(pk=staged.pk).status == "done":
            break
        client.post(f"/console/roster/{staged.pk}/progress/")
    staged.refresh_from_db()
    return staged


def map_street(client, staged):
    columns = {f"column_{i}": c for i, c in enumerate(staged.columns)}
    columns[f"column_{HR_HEADER.index('配送区域')}"] = "street_code"
    client.post(f"/console/roster/{staged.pk}/", {"action": "map", **columns})
    staged.refresh_from_db()
    return staged


def xlsx(rows, header=COLUMNS):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row(seq, external_id=None, **over):
    values = {
        "external_id": external_id or f"E{seq}", "name": f"骑手{seq}", "id_number": make_id_number(seq),
        "phone": make_phone(seq), "street_code": "310104014", "station_code": "", "labor_relation": "independent",
        "industry": "food_delivery", "active": "是",
    } | over  # fmt: skip
    return [values[c] for c in COLUMNS]


def test_an_hr_file_is_read_below_its_title_with_hr_words_and_a_mapped_column(street_client, world):
    staged = upload(street_client, hr_roster())
    assert staged.header_row == 2 and staged.header == HR_HEADER
    assert staged.columns == ["external_id", "name", "id_number", "phone", "", "station_code", "labor_relation", "industry", "active"]
    page = street_client.get(f"/console/roster/{staged.pk}/").content.decode()
    assert "还缺少这些列：工作街镇代码" in page
    street_client.post(f"/console/roster/{staged.pk}/", {"enterprise": world.agent.pk})
    assert RosterImport.objects.get(pk=staged.pk).status == "preview"  # cannot start without a street column

    staged = map_street(street_client, staged)
    assert staged.columns[4] == "street_code"
    assert (staged.valid_count, staged.invalid_count) == (3, 1)
    assert staged.preview[3]["problems"] == ["身份证号码：" + AS_NUMBER]

    staged = run_import(street_client, staged, world.agent)
    assert (staged.created, len(staged.rejected)) == (3, 1)
    entries = {e.external_id: e for e in RosterEntry.objects.filter(enterprise=world.agent).select_related("street", "station")}
    assert entries["A001"].street.code == "310104014" and entries["A001"].station.code == "ST-001"
    assert entries["A001"].labor_relation == "partial" and entries["A001"].active is True
    assert entries["A002"].street.code == "310104014" and entries["A002"].active is False  # 徐家汇 without 街道; 离职
    assert entries["A003"].street == world.other_street and entries["A003"].industry == "express"
    assert entries["A002"].labor_relation == "independent"
    assert staged.rejected[0]["errors"] == {"id_number": [{"code": "id_number_as_number", "message": AS_NUMBER}]}
    # The mapping is remembered for the enterprise.
    assert RosterColumnMap.objects.get(enterprise=world.agent).columns == {"配送区域": "street_code"}


def test_the_error_file_is_the_original_rows_and_uploads_again_as_is(street_client, world):
    staged = map_street(street_client, upload(street_client, hr_roster()))
    staged = run_import(street_client, staged, world.agent)
    book = load_workbook(BytesIO(street_client.get(f"/console/roster/{staged.pk}/rejected/").content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == [*HR_HEADER, "未导入原因"]
    assert rows[1][:2] == ["A004", "赵六"] and re.fullmatch(r"3\.[0-9]{1,14}E\+17", rows[1][2]) and rows[1][4] == "徐家汇街道"
    assert rows[1][-1] == "身份证号码：" + AS_NUMBER
    # Corrected in place and uploaded again for the same enterprise: the remembered mapping reads it.
    book.active.cell(row=2, column=3, value=make_id_number(34))
    out = BytesIO()
    book.save(out)
    again = upload(street_client, out.getvalue(), enterprise=world.agent.pk)
    assert again.columns[4] == "street_code" and again.columns[-1] == ""
    assert (again.valid_count, again.invalid_count) == (1, 0)
    again = run_import(street_client, again, world.agent)
    assert again.created == 1 and RosterEntry.objects.filter(enterprise=world.agent, external_id="A004").exists()


def test_a_repeated_external_id_whose_first_row_fails_imports_the_second_and_says_so(street_client, world):
    bad_street = row(1, street_code="999999999")
    staged = upload(street_client, xlsx([bad_street, row(2), row(1)]), name="r.xlsx")
    assert (staged.valid_count, staged.invalid_count) == (2, 1)
    assert staged.preview[0]["problems"] == ["工作街镇代码：找不到这个街镇代码"]
    assert staged.preview[2]["problems"] == []
    staged = run_import(street_client, staged, world.agent)
    assert staged.created == 2
    assert [(r["row"], list(r["errors"])) for r in staged.rejected] == [(2, ["street_code"])]
    assert RosterEntry.objects.get(enterprise=world.agent, external_id="E1").street.code == "310104014"
    html = street_client.get(f"/console/roster/{staged.pk}/").content.decode()
    assert "已按" not in html and "重复" not in html


def test_a_repeat_after_an_imported_row_names_that_row_in_preview_and_result(street_client, world):
    staged = upload(street_client, xlsx([row(1), row(2), row(3, external_id="E1")]), name="r.xlsx")
    message = "外部编号：与第2行重复，本行不导入（以第2行为准）"
    assert staged.preview[2]["problems"] == [message] and staged.invalid_count == 1
    staged = run_import(street_client, staged, world.agent)
    assert staged.created == 2 and [r["row"] for r in staged.rejected] == [4]
    assert message in street_client.get(f"/console/roster/{staged.pk}/").content.decode()


def test_one_id_number_under_two_external_ids_is_reported(street_client, world):
    staged = upload(street_client, xlsx([row(1), row(1, external_id="E9")]), name="r.xlsx")
    assert staged.invalid_count == 1
    assert staged.preview[1]["problems"][0].startswith("身份证号码：与第2行（外部编号E1）相同")
    staged = run_import(street_client, staged, world.agent)
    assert staged.created == 1
    assert staged.rejected[0]["errors"]["id_number"][0]["code"] == "same_person_in_file"
    assert not RosterEntry.objects.filter(external_id="E9").exists()


def test_an_unknown_platform_word_names_the_allowed_values(street_client, world):
    staged = upload(street_client, xlsx([row(1, labor_relation="外星人", active="请假")]), name="r.xlsx")
    problems = " ".join(staged.preview[0]["problems"])
    assert "无法识别的用工关系“外星人”，可填：劳动关系（employee）" in problems
    assert "依托平台自主经营（independent）" in problems
    assert "无法识别的在职状态“请假”" in problems


def test_a_csv_from_excel_in_gb18030_with_the_id_as_scientific_text(street_client, world):
    text = "工号,姓名,身份证号码,手机号,所在街道,用工关系,行业\r\n" + f"C1,钱七,3.10104199001011E+17,{make_phone(40)},徐家汇街道,众包,外卖\r\n"
    staged = upload(street_client, text.encode("gb18030"), name="名册.csv")
    assert staged.invalid_count == 1 and staged.preview[0]["problems"] == ["身份证号码：" + AS_NUMBER]
