"""Excel rosters: the downloadable template, reading an uploaded file into rows for
gongyou.members.roster.upsert_roster, and the workbook of rejected rows with their reasons.

Files come from HR departments as they are: a merged title row above the headers, HR's own
header words (身份证号, 手机号, 所在街道, 工号…), street names instead of codes, the platforms'
words for labour relation and industry (众包, 专送, 外卖…), 在岗/离职 for active. Reading
turns each of those into the roster's field and value; a column it does not know is mapped by
the officer on the preview page and remembered for the enterprise (console.models.RosterColumnMap)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gongyou.core import crypto, excel
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.errors import ErrorDict
from gongyou.core.models import Region, Station
from gongyou.core.synthetic import make_id_number, make_phone
from gongyou.members.roster import check_roster_file

COLUMNS = (
    "external_id",
    "name",
    "id_number",
    "phone",
    "street_code",
    "station_code",
    "labor_relation",
    "industry",
    "active",
)
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
REQUIRED = ("external_id", "name", "id_number", "phone", "street_code")
TRUE_WORDS = {"true", "1", "yes", "y", "是", "在职", "在岗", "有效", "正常", "active"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "离职", "已离职", "离岗", "无效", "停用", "inactive"}
# HR's header words → roster field. Compared after _header_key (no spaces, no "*", no "(必填)").
SYNONYMS = {
    "external_id": ("外部编号", "工号", "员工编号", "员工工号", "人员编号", "骑手编号", "骑手id", "员工id", "编号"),
    "name": ("姓名", "员工姓名", "骑手姓名", "人员姓名", "名字"),
    "id_number": ("身份证号码", "身份证号", "身份证", "居民身份证号码", "证件号码", "证件号", "身份证件号码"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话", "联系方式", "电话号码"),
    "street_code": (
        "工作街镇代码",
        "街镇代码",
        "所在街道",
        "工作街道",
        "所在街镇",
        "工作街镇",
        "街道",
        "街镇",
        "街道代码",
    ),
    "station_code": ("站点编码", "站点", "站点代码", "站点名称", "所属站点", "配送站点", "网点"),
    "labor_relation": ("用工关系", "劳动关系", "用工形式", "用工类型", "合作模式", "骑手类型", "用工方式"),
    "industry": ("行业", "所属行业", "业务类型", "业务线"),
    "active": ("在职", "在职状态", "是否在职", "在岗状态", "状态", "人员状态"),
}
# Columns of our own error file: known, never imported.
IGNORED_HEADERS = ("未导入原因", "原因", "行", "序号")
# The platforms' and HR's words for the choices; the codes and labels are accepted as well.
RELATION_WORDS = {
    "众包": "independent", "兼职": "independent", "自主经营": "independent", "个体": "independent",
    "专送": "partial", "外包": "partial", "灵活用工": "partial", "劳务": "partial",
    "全职": "employee", "劳动合同": "employee", "正式员工": "employee", "合同工": "employee", "自营": "employee",
}  # fmt: skip
INDUSTRY_WORDS = {
    "外卖": "food_delivery", "外卖配送": "food_delivery", "餐饮外卖": "food_delivery", "送餐": "food_delivery",
    "即时配送": "food_delivery", "骑手": "food_delivery",
    "快递": "express", "快递员": "express", "物流": "express", "快递物流": "express",
    "货运": "freight", "货车": "freight", "货车司机": "freight", "网约货车": "freight",
    "网约车": "ride_hailing", "网约车司机": "ride_hailing", "专车": "ride_hailing", "快车": "ride_hailing",
}  # fmt: skip


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
    sheet.append(
        ["R0001", "张三", make_id_number(1), make_phone(1), "310104014", "", "independent", "food_delivery", "是"]
    )
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


def _header_key(text: str) -> str:
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"[\s*＊:：]", "", text).lower()


@functools.cache
def _synonyms() -> dict[str, str]:
    out = {_header_key(word): field for field, words in SYNONYMS.items() for word in words}
    out.update({_header_key(word): "" for word in IGNORED_HEADERS})
    return out


def _known_header(text: str, remembered: Mapping[str, str]) -> str | None:
    """The field a header names: the enterprise's remembered mapping first, then the column
    keys and labels of our template in every language, then HR's words. None: unknown."""
    if text in remembered:
        return remembered[text]
    if text in COLUMNS:
        return text
    by_label = _keys_by_label()
    if text in by_label:
        return by_label[text]
    return _synonyms().get(_header_key(text))


def guess_columns(header: Sequence[str], remembered: Mapping[str, str] | None = None) -> list[str]:
    """The field each column is read into ("" = not imported); a field is read from one column."""
    columns: list[str] = []
    for text in header:
        field_ = _known_header(text, remembered or {}) or ""
        columns.append(field_ if field_ not in columns else "")
    return columns


@dataclass
class RosterFile:
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells as text)


def read_file(handle: IO[bytes], filename: str = "") -> RosterFile:
    """The rows below the header row of an uploaded roster (.xlsx or .csv). The header row is
    found among the first rows (HR files put a title above it). Raises ValidationError for a
    file that is not a usable roster."""
    table = excel.read_table(handle, filename)
    index = excel.find_header(table, lambda text: bool(_known_header(text, {})))
    if index is None:
        raise ValidationError(
            _("没有找到表头行：前10行里没有“姓名”“身份证号码”这样的列名。请使用下载的模板，或保留原表头后重新上传。"),
            code="bad_header",
        )
    found = excel.records(table, index)
    if len(found.rows) > MAX_ROWS:
        raise ValidationError(_("一次最多导入%(n)d行，请分成几个文件") % {"n": MAX_ROWS}, code="too_many_rows")
    return RosterFile(header=found.header, header_row=found.header_row, rows=found.rows)


def missing_columns(columns: Sequence[str]) -> list[str]:
    return [label(k) for k in REQUIRED if k not in columns]


class _Words:
    """Street names and station names of one file, resolved with two queries."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.streets: dict[str, str | None] = {}
        for code, name in Region.objects.filter(level=Region.Level.STREET).values_list("code", "name"):
            for key in {name, re.sub(r"(街道|镇|乡)$", "", name)}:
                # A name two streets share (in different districts) names neither.
                self.streets[key] = None if key in self.streets and self.streets[key] != code else code
        names = {str(r.get("station_code")) for r in rows if r.get("station_code")}
        known = set(Station.objects.filter(code__in=names).values_list("code", flat=True))
        self.stations: dict[str, str | None] = {}
        for code, name in Station.objects.filter(name__in=names - known).values_list("code", "name"):
            self.stations[name] = None if name in self.stations else code

    def street(self, value: str) -> str:
        if not value or value.isdigit():
            return value
        return self.streets.get(value) or self.streets.get(re.sub(r"(街道|镇|乡)$", "", value)) or value

    def station(self, value: str) -> str:
        return self.stations.get(value) or value


def _choice(value: str, choices: type[Industry] | type[LaborRelation], words: Mapping[str, str]) -> str:
    if not value or value in choices.values:
        return value
    codes = {str(label_): code for code, label_ in choices.choices}
    codes.update({code: code for code in choices.values})
    lowered = value.strip().lower()
    return codes.get(value) or codes.get(lowered) or words.get(value) or value


def _active(value: str) -> Any:
    if value == "":
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value  # upsert_roster rejects it with its own message


def to_rows(file_rows: Sequence[tuple[int, Sequence[str]]], columns: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """[(row number, roster row)] for upsert_roster: each column read into its field, HR's
    words turned into the roster's values. A value nothing recognises is passed on as written,
    so the row is rejected with a message naming the allowed values."""
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in file_rows:
        row: dict[str, Any] = {}
        for key, value in zip(columns, cells, strict=False):
            if key and value != "":
                row[key] = value
        rows.append((number, row))
    words = _Words([row for _n, row in rows])
    for _number, row in rows:
        if "street_code" in row:
            row["street_code"] = words.street(row["street_code"])
        if "station_code" in row:
            row["station_code"] = words.station(row["station_code"])
        row["labor_relation"] = _choice(row.get("labor_relation", ""), LaborRelation, RELATION_WORDS)
        row["industry"] = _choice(row.get("industry", ""), Industry, INDUSTRY_WORDS)
        row["active"] = _active(row.get("active", ""))
    return rows


def _problem(field: str, message: str) -> str:
    # Outside an f-string so xgettext sees the msgids; punctuation follows the UI language.
    return label(field) + pgettext("label separator", "：") + message


def _separator() -> str:
    return pgettext("separator", "；")


def reasons(errors: ErrorDict) -> list[str]:
    return [_problem(f, _separator().join(e["message"] for e in errs)) for f, errs in errors.items()]


@dataclass
class Checked:
    valid: int
    invalid: int
    preview: list[dict[str, Any]]
    # Rows kept out by the file itself: {row number: {"code", "message", "of"}}.
    held: dict[str, dict[str, Any]]


_HELD = ("duplicate_in_file", "same_person_in_file")


def validate(rows: Sequence[tuple[int, dict[str, Any]]]) -> Checked:
    """What importing these rows would do, without writing anything: the same checks the import
    makes (gongyou.members.roster.check_roster_file), so preview and result agree."""
    numbers = [number for number, _row in rows]
    verdicts = check_roster_file([row for _n, row in rows], numbers)
    preview: list[dict[str, Any]] = []
    held: dict[str, dict[str, Any]] = {}
    for (number, row), errors in zip(rows, verdicts, strict=True):
        for field_, errs in errors.items():
            if errs[0]["code"] in _HELD:
                held[str(number)] = {"field": field_, **errs[0]}
        if len(preview) < PREVIEW_ROWS:
            preview.append({"row": number, **_masked(row), "problems": reasons(errors)})
    invalid = sum(1 for errors in verdicts if errors)
    return Checked(valid=len(rows) - invalid, invalid=invalid, preview=preview, held=held)


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


def reason_header() -> str:
    return _("未导入原因")


def rejected_bytes(rejected: list[dict[str, Any]], original: Mapping[str, Any] | None, header: Sequence[str]) -> bytes:
    """The rejected rows as they were uploaded (the file's own header and cells) with the
    reason in a last column: corrected, the file can be uploaded again as it is (the reason
    column is not imported). `original` is {"rows": {row number: cells}}; without it (an import
    from before the originals were kept) the rows are listed by number and external id."""
    cells = (original or {}).get("rows") or {}
    if cells:
        width = len(header)

        def lines() -> Iterable[list[Any]]:
            for item in rejected:
                values = list(cells.get(str(item["row"]), []))[:width]
                values += [""] * (width - len(values))
                yield [*values, _separator().join(reasons(item["errors"]))]

        sheet = excel.Sheet(str(_("未导入的行")), [*header, reason_header()], lines(), text=True)
        return excel.workbook_bytes([sheet])
    old_header = [label("row"), label("external_id"), label("name"), _("问题字段"), _("原因")]

    def old_lines() -> Iterable[list[Any]]:
        for item in rejected:
            for field_, errors in item["errors"].items():
                for error in errors:
                    yield [item["row"], item["external_id"], item.get("name", ""), label(field_), error["message"]]

    return excel.workbook_bytes([excel.Sheet(str(_("未导入的行")), old_header, old_lines())])
