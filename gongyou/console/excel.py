"""Excel exports of staff lists (SPEC §8: Excel exports of every list). Written with openpyxl's
write-only mode so a city-wide list streams row by row instead of building a sheet in memory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gongyou.core.excel import XLSX, safe_cell, xlsx_response  # noqa: F401  (re-exported)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date, bool)):
        return value
    return str(value)


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    book = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F3F5")
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        for index in range(len(header)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 18
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=str(name))
            cell.font, cell.fill = bold, fill
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([safe_cell(sheet, _plain(v)) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet: str = "") -> HttpResponse:
    return xlsx_response(filename, workbook_bytes([(sheet or filename, header, rows)]))
