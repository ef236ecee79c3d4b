"""Excel rosters: the downloadable template, reading an uploaded file into rows for
gongyou.members.roster.upsert_roster, and the workbook of rejected rows with their reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gongyou.console.excel import workbook_bytes
from gongyou.core import crypto
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.synthetic import make_id_number, make_phone
from gongyou.members.inputs import Lookups, clean_worker

COLUMNS = ("external_id", "name", "id_number", "phone", "street_code", "station_code", "labor_relation", "industry", "active")
LABELS = {
    "external_id": _l("外部编号"),
    "name": _l("姓名"),
    "id_number": _l("身份证号码"),
    "phone": _l("手机号码"),
    "street_code": _l("工作街镇代码"),
    "station_code": _l("站点编码"),
    "labor_relation": _l("用工关系"),
    "industry": _l("行业"),
    "active": _l("在职"),
    "row": _l("行"),
}
MAX_ROWS = 50_000
PREVIEW_ROWS = 10
TRUE_WORDS = {"true", "1", "yes", "y", "是", "在职", "有效"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "离职", "无效"}


def label(field: str) -> str:
    return str(LABELS.get(field, field))


def _keys_by_label() -> dict[str, str]:
    """Header label → column key in every UI language: a file headed in Chinese still imports
    after the uploader switched the console to English, and the other way round."""
    out: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.update({label(k): k for k in COLUMNS})
    return out


def template_bytes() -> bytes:
    """The roster template: a sheet to fill (machine column keys, one example row, text-formatted
    ID and phone columns so Excel keeps every digit) and a Chinese explanation sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("名册"))
    sheet.append(list(COLUMNS))
    sheet.append(["R0001", "张三", make_id_number(1), make_phone(1), "310104014", "", "independent", "food_delivery", "是"])
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if name in ("id_number", "external_id") else 16
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet[f"{letter}1"].fill = PatternFill("solid", fgColor="F2F3F5")
        for row in range(2, 2001):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet(str(_("填写说明")))
    help_sheet.append([str(_("列名")), str(_("中文名称")), str(_("是否必填")), str(_("说明"))])
    relations = "；".join(f"{v} = {label_}" for v, label_ in LaborRelation.choices)
    industries = "；".join(f"{v} = {label_}" for v, label_ in Industry.choices)
    rows = [
        ("external_id", _("必填"), _("企业内部的人员编号，同一企业内唯一；再次导入同一编号即更新该人员")),
        ("name", _("必填"), _("与身份证一致的姓名")),
        ("id_number", _("必填"), _("18位居民身份证号码，最后一位可以是X；请按文本格式填写")),
        ("phone", _("必填"), _("11位手机号码")),
        ("street_code", _("必填"), _("工作所在街镇的9位统计用区划代码，如 310104014（徐家汇街道）")),
        ("station_code", _("选填"), _("配送站点编码，须是平台上已登记的站点")),
        ("labor_relation", _("必填"), relations),
        ("industry", _("必填"), industries),
        ("active", _("选填"), _("是否在职：是/否（留空视为在职）")),
    ]
    for key, required, note in rows:
        help_sheet.append([key, label(key), str(required), str(note)])
    for letter, width in zip("ABCD", (16, 16, 10, 90), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _active(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value  # upsert_roster rejects it with its own message


def read_rows(handle: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """[(excel row number, row dict)] from the first sheet; headers may be the keys or the
    Chinese labels. Raises ValidationError for a file that is not a usable roster."""
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx upload
        raise ValidationError(_("无法读取这个文件，请上传 .xlsx 格式的Excel名册"), code="bad_file") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_label = _keys_by_label()
    keys = [by_label.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in header]
    missing = [label(k) for k in ("external_id", "name", "id_number", "phone", "street_code") if k not in keys]
    if missing:
        raise ValidationError(
            _("第一行缺少这些列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}, code="bad_header"
        )
    out = []
    for number, values in enumerate(rows, start=2):
        row = {k: _cell(v) for k, v in zip(keys, values, strict=False) if k in COLUMNS}
        if not any(v not in (None, "") for v in row.values()):
            continue
        row["active"] = _active(row.get("active"))
        for key, choices in (("labor_relation", LaborRelation), ("industry", Industry)):
            # People type the Chinese label as often as the code.
            codes = {str(label_): value for value, label_ in choices.choices}
            if row.get(key) in codes:
                row[key] = codes[row[key]]
        out.append((number, row))
        if len(out) > MAX_ROWS:
            raise ValidationError(_("一次最多导入%(n)d行，请分成几个文件") % {"n": MAX_ROWS}, code="too_many_rows")
    book.close()
    return out


def _problem(field: str, message: str) -> str:
    # Outside an f-string so xgettext sees the msgids; punctuation follows the UI language.
    return label(field) + pgettext("label separator", "：") + message


def _separator() -> str:
    return pgettext("separator", "；")


def validate(rows: Iterable[tuple[int, dict[str, Any]]]) -> tuple[int, int, list[dict[str, Any]]]:
    """(valid, invalid, masked preview rows) without writing anything."""
    lookups = Lookups()
    valid = invalid = 0
    preview: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in rows:
        problems: list[str] = []
        try:
            clean_worker(row, require_consent=False, lookups=lookups)
        except ValidationError as exc:
            problems = [_problem(f, _separator().join(str(m) for m in msgs)) for f, msgs in exc.message_dict.items()]
        external_id = str(row.get("external_id") or "")
        if not external_id:
            problems.append(_problem("external_id", _("请填写外部编号")))
        elif external_id in seen:
            problems.append(_problem("external_id", _("同一文件中外部编号重复")))
        seen.add(external_id)
        if row.get("active") not in (None, True, False):
            problems.append(_problem("active", _("请填写“是”或“否”")))
        valid, invalid = (valid + 1, invalid) if not problems else (valid, invalid + 1)
        if len(preview) < PREVIEW_ROWS:
            preview.append({"row": number, **_masked(row), "problems": problems})
    return valid, invalid, preview


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    shown = {k: row.get(k) or "" for k in COLUMNS}
    number, phone = str(shown["id_number"]), str(shown["phone"])
    shown["id_number"] = crypto.mask_id_number(number) if len(number) == 18 else ("*" * len(number))
    shown["phone"] = crypto.mask_phone(phone) if len(phone) == 11 else ("*" * len(phone))
    for key, choices in (("labor_relation", LaborRelation), ("industry", Industry)):
        if shown[key] in choices.values:
            shown[key] = str(choices(shown[key]).label)
    active = row.get("active")
    shown["active"] = _("是") if active in (None, True) else _("否") if active is False else str(active)
    return shown


def rejected_bytes(rejected: list[dict[str, Any]]) -> bytes:
    header = [label("row"), label("external_id"), label("name"), _("问题字段"), _("原因")]

    def lines() -> Iterable[list[Any]]:
        for item in rejected:
            for field, errors in item["errors"].items():
                for error in errors:
                    yield [item["row"], item["external_id"], item.get("name", ""), label(field), error["message"]]

    return workbook_bytes([(str(_("未导入的行")), header, lines())])
