"""Excel in and out for the registry: Chinese column headers, the same words on both sides,
so an exported sheet can be edited and imported back."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font

from gongyou.core import excel as core_excel
from gongyou.core.excel import XLSX, xlsx_response  # noqa: F401  (re-exported)

# Header → input key for imports (exports use the same headers first).
IMPORT_COLUMNS = {
    "阵地编号": "code",
    "名称": "name",
    "类型": "kind",
    "管理工会": "org",
    "街镇代码": "street",
    "地址": "address",
    "经度": "lng",
    "纬度": "lat",
    "坐标系": "crs",
    "开放时间": "weekly_hours",
    "24小时开放": "open_24h",
    "法定节假日闭站": "closed_on_holidays",
    "设施": "amenities",
    "联系电话": "contact_phone",
    "状态": "status",
    "备注": "note",
}


def workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return core_excel.workbook_bytes([core_excel.Sheet(title, header, rows)])


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "服务阵地"
    sheet.append(list(IMPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "", "徐家汇街道爱心接力站", "户外职工爱心接力站", "徐家汇街道总工会", "310104014", "漕溪北路 1 号",
            121.43752, 31.18830, "gcj02", "周一至周五 08:00-20:00；周六、周日 09:00-17:00", "否", "否",
            "空调、冰箱、微波炉、饮水机、插座、桌椅、充电", "021-12345678", "正常开放", "",
        ]
    )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(upload: Any, columns: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of the first sheet (xlsx) or of a CSV as dicts of text keyed by input key. Unknown
    headers are ignored; headers may also be the input keys themselves. Raises ValueError for
    an unreadable file."""
    try:
        table = core_excel.read_table(upload, getattr(upload, "name", "") or "")
    except ValidationError as exc:
        raise ValueError(str(exc.message)) from exc
    if not table:
        return []
    keys = [columns.get(h, h) for h in table[0]]
    rows = []
    for number, raw in core_excel.records(table, 0).rows:
        row: dict[str, Any] = {k: v for k, v in zip(keys, raw, strict=False) if k}
        row["_row"] = number  # so errors name the row the user sees, blank rows included
        rows.append(row)
    return rows
