"""core/excel.py: the one reader and the one writer."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from gongyou.core import excel


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_read_as_the_text_excel_shows():
    assert excel.cell_text(310104199001011234) == "3.10104199001011E+17"
    assert excel.cell_text(3.10104199001011e17) == "3.10104199001011E+17"
    assert excel.cell_text(13800138000) == "13800138000"
    assert excel.cell_text(310104014.0) == "310104014"
    assert excel.cell_text(121.43752) == "121.43752"
    assert excel.cell_text(True) == "TRUE"
    assert excel.cell_text(dt.datetime(2026, 5, 1)) == "2026-05-01"
    assert excel.cell_text(None) == "" and excel.cell_text(" 张三 ") == "张三"


def test_the_header_row_is_found_below_a_title_and_rows_keep_their_numbers():
    table = excel.read_table(
        xlsx([["花名册"], [], ["姓名", "身份证号"], ["张三", 310104199001011234], [], ["李四", "x"]]), "a.xlsx"
    )
    index = excel.find_header(table, lambda text: text in {"姓名", "身份证号"})
    assert index == 2
    found = excel.records(table, index)
    assert found.header == ["姓名", "身份证号"] and found.header_row == 3
    assert found.rows == [(4, ["张三", "3.10104199001011E+17"]), (6, ["李四", "x"])]
    assert excel.find_header([["a"], ["b"]], lambda text: False) is None


def test_csv_in_utf8_or_gb18030_and_a_bad_file():
    assert excel.read_table("姓名,街道\n张三,徐家汇\n".encode("gb18030"), "a.csv") == [
        ["姓名", "街道"],
        ["张三", "徐家汇"],
    ]
    assert excel.read_table("\ufeff姓名\n张三\n".encode(), "a.CSV") == [["姓名"], ["张三"]]
    with pytest.raises(ValidationError) as caught:
        excel.read_table(b"not a zip", "a.xlsx")
    assert caught.value.code == "bad_file"


def test_a_text_sheet_formats_every_cell_as_text():
    data = excel.workbook_bytes([excel.Sheet("s", ["身份证号"], [["310104199001011234"]], text=True)])
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A2"].value == "310104199001011234" and sheet["A2"].number_format == "@"


def test_any_stored_text_can_be_exported():
    # Control characters and a lone surrogate, as a name stored before validation existed.
    hostile = "张\x1b[31m\x00三\ud800"
    data = excel.workbook_bytes([excel.Sheet("名单\x07", ["姓名\x0b"], [[hostile, "=1+1"]])])
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "名单"
    assert rows[0][0] == "姓名"
    assert rows[1] == ("张[31m三?", "=1+1")
