"""Shared rules for every Excel file Gongyou writes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(sheet: Any, value: Any) -> Any:
    """openpyxl stores a string starting with "=" as a formula. Exported text comes from people
    (names, reasons, notes typed in the portal): keep it text so a crafted value never runs as a
    formula (CSV/formula injection) when an officer opens the file. `sheet` is write-only."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    stamped = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    # RFC 6266 / 5987: Chinese file names need the UTF-8 form; the ASCII fallback keeps old clients happy.
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(stamped)}"
    # Exports are lists of people: no browser or proxy cache may keep a copy.
    patch_cache_control(response, no_store=True, private=True)
    return response
