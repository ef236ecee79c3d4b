"""Positions exports go through core/excel.py: the same rendering as the console's lists."""

import datetime as dt
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from gongyou.core import excel
from gongyou.positions import excel as positions_excel


def test_the_writer_renders_booleans_dates_and_formulas_the_same_in_console_and_positions():
    when = timezone.make_aware(dt.datetime(2026, 5, 1, 9, 30))
    row = [True, False, None, when, dt.date(2026, 5, 2), 7, "=HYPERLINK(\"x\")"]
    console = load_workbook(BytesIO(excel.export("名单", list("ABCDEFG"), [row]).content)).active
    positions = load_workbook(BytesIO(positions_excel.workbook("阵地", list("ABCDEFG"), [row]))).active
    for sheet in (console, positions):
        values = [c.value for c in sheet[2]]
        assert values[:3] == ["是", "否", None]
        assert values[3] == dt.datetime(2026, 5, 1, 9, 30) and values[4] == dt.datetime(2026, 5, 2)
        assert values[5] == 7 and values[6] == '=HYPERLINK("x")' and sheet["G2"].data_type == "s"
        assert sheet["A1"].font.b
