"""Shared rules for every Excel file Gongyou writes."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell


def safe_cell(sheet: Any, value: Any) -> Any:
    """openpyxl stores a string starting with "=" as a formula. Exported text comes from people
    (names, reasons, notes typed in the portal): keep it text so a crafted value never runs as a
    formula (CSV/formula injection) when an officer opens the file. `sheet` is write-only."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
