"""The one Excel reader and the one Excel writer of Gongyou.

Reading: an uploaded .xlsx or .csv becomes rows of text, each cell as Excel shows it, so every
import parses text the same way (`read_table`), and `find_header` finds the header row below a
title row. Writing: `workbook_bytes` streams rows into a sheet (openpyxl's write-only mode), keeps
people's text from running as a formula, and renders booleans, dates and times the same in every
export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel keeps 15 significant digits: a longer number typed into a General cell (an ID number, a
# long account number) is already rounded when the file is saved.
_EXACT_DIGITS = 15


# ---------------------------------------------------------------------------------------------
# Reading


def cell_text(value: Any) -> str:
    """A cell as the text Excel shows for it (General format). A number too long for Excel to
    keep exactly is shown the way Excel shows it, 3.10104199001011E+17, never as digits that look
    right but are not: an import can then tell the uploader what happened."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        if abs(value) >= 10**_EXACT_DIGITS:
            mantissa, exponent = f"{float(value):.{_EXACT_DIGITS - 1}E}".split("E")
            mantissa = mantissa.rstrip("0").rstrip(".")
            return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030: what Excel on a Chinese Windows saves as CSV
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法读取这个 CSV 文件：它既不是 UTF-8 也不是 GB18030 编码"), code="bad_encoding")


def read_table(source: IO[bytes] | bytes, filename: str = "") -> list[list[str]]:
    """Every row of the first sheet of an .xlsx, or of a .csv (by file name), as text cells
    (`cell_text`), trailing empty cells dropped. Raises ValidationError(code="bad_file") for a
    file that is neither."""
    data = source if isinstance(source, bytes) else source.read()
    if filename.lower().endswith(".csv"):
        rows = csv.reader(io.StringIO(_decode(data)))
        return [_trimmed([cell.strip() for cell in row]) for row in rows]
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(
            _("无法读取这个文件，请上传 .xlsx 格式的 Excel 文件或 .csv 文件"), code="bad_file"
        ) from exc
    try:
        return [_trimmed([cell_text(v) for v in row]) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _trimmed(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def find_header(table: Sequence[Sequence[str]], known: Callable[[str], bool], *, scan: int = 10) -> int | None:
    """Index of the header row: among the first `scan` rows, the one with most cells that
    `known` recognises (the first of equals). HR files put a merged title row, a date line or a
    blank row above the headers. None when no row has a known cell."""
    best, best_hits = None, 0
    for index, row in enumerate(table[:scan]):
        hits = sum(1 for cell in row if cell and known(cell))
        if hits > best_hits:
            best, best_hits = index, hits
    return best


@dataclass
class Records:
    """A table split at its header row: `rows` are (row number as Excel shows it, cells)."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]


def records(table: Sequence[list[str]], header_index: int) -> Records:
    """The rows below the header, blank rows skipped, each numbered as the spreadsheet shows it."""
    rows = [(number, row) for number, row in enumerate(table[header_index + 1 :], start=header_index + 2) if any(row)]
    return Records(header=list(table[header_index]), header_row=header_index + 1, rows=rows)


# ---------------------------------------------------------------------------------------------
# Writing


def xml_text(value: str) -> str:
    """Text that an .xlsx can hold: XML 1.0 has no control characters (openpyxl raises
    IllegalCharacterError on them) and UTF-8 no lone surrogates. Whatever was stored once, by
    any channel or before validation existed, must never make an export fail for every scope
    above that member, so such characters are dropped here, in the one writer."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def plain(value: Any) -> Any:
    """An exported value: booleans as 是/否, aware times in local time (Excel has no time zones),
    dates and numbers as Excel values, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | dt.date):
        return value
    return xml_text(str(value))


def safe_cell(sheet: Any, value: Any, *, text: bool = False) -> Any:
    """openpyxl stores a string starting with "=" as a formula. Exported text comes from people
    (names, reasons, notes typed in the portal): keep it text so a crafted value never runs as a
    formula (CSV/formula injection) when an officer opens the file. `sheet` is write-only.
    `text`: format the cell as text, so Excel keeps every digit of what is typed into it later."""
    if text or (isinstance(value, str) and value.startswith("=")):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if text:
            cell.number_format = "@"
        return cell
    return value


@dataclass
class Sheet:
    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    # Every cell formatted as text: for files meant to be edited and uploaded again.
    text: bool = False


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx of these sheets, streamed row by row (a city-wide list never sits in memory as
    a sheet): bold header row, frozen below it."""
    book = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F3F5")
    for spec in sheets:
        sheet = book.create_sheet(title=xml_text(spec.title)[:31])
        sheet.freeze_panes = "A2"
        for index in range(len(spec.header)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 18
        cells = []
        for name in spec.header:
            cell = WriteOnlyCell(sheet, value=xml_text(str(name)))
            cell.font, cell.fill = bold, fill
            cells.append(cell)
        sheet.append(cells)
        for row in spec.rows:
            sheet.append([safe_cell(sheet, plain(v), text=spec.text) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    stamped = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    # RFC 6266 / 5987: Chinese file names need the UTF-8 form; the ASCII fallback keeps old clients happy.
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(stamped)}"
    # Exports are lists of people: no browser or proxy cache may keep a copy.
    patch_cache_control(response, no_store=True, private=True)
    return response


def export(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet: str = "") -> HttpResponse:
    """A one-sheet list export as a download."""
    return xlsx_response(filename, workbook_bytes([Sheet(sheet or filename, header, rows)]))
