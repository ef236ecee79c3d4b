"""Market-registry extracts (市场主体登记信息) as the market-regulation bureau exports them, read
into enterprise records (seed §三(一) and Annex 2 §五: 市场监管部门共享登记信息，工会据此排查
建会盲区和空白点).

Chinese headers, found even under a title row; extra columns ignored. Every row stands alone: a
bad row is rejected with its reasons and never blocks a good one; every valid row is kept, also
outside the target industries (it is simply never a gap). Industry codes (GB/T 4754-2017, four
digits) map to our industries through data/industry_codes.csv (see the README)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongyou.core import excel
from gongyou.core.actors import Actor
from gongyou.core.errors import FieldErrors, RowError, django_errors
from gongyou.core.models import Region
from gongyou.core.services import RegistryEntry, record_registry_entry
from gongyou.core.validators import normalise_text, validate_uscc

INDUSTRY_CODES_CSV = Path(__file__).parent / "data" / "industry_codes.csv"

# Our field → the headers the bureau's exports use for it (the first is the canonical one).
HEADERS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "name": ("企业名称", "主体名称", "名称"),
    "legal_rep": ("法定代表人", "法定代表人（负责人）", "负责人"),
    "industry_code": ("行业代码", "国民经济行业代码", "行业分类代码"),
    "address": ("住所", "住所（经营场所）", "经营场所", "地址"),
    "registry_authority": ("登记机关",),
    "registry_status": ("登记状态", "经营状态", "企业状态"),
    "registered_on": ("成立日期", "成立时间"),
}
REQUIRED = ("uscc", "name", "industry_code", "registry_status")
_BY_HEADER = {normalise_text(h): name for name, heads in HEADERS.items() for h in heads}

# 登记状态: still trading, or gone from the register (kept and marked, never deleted).
ACTIVE_STATUSES = ("存续", "在业", "开业", "在营", "正常")
LEFT_STATUSES = ("注销", "吊销", "迁出", "撤销", "歇业", "清算")
# GB/T 4754-2017 has divisions (大类) 01–97; a code outside them is no industry code.
_CODE = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-7])[0-9]{2}$")
_DATE = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")


@cache
def industry_map() -> dict[str, str]:
    """GB/T 4754-2017 class code → our Industry value, for the target industries only."""
    with INDUSTRY_CODES_CSV.open(encoding="utf-8") as handle:
        return {row["code"]: row["industry"] for row in csv.DictReader(handle)}


def _known_header(cell: str) -> bool:
    return normalise_text(cell) in _BY_HEADER


@dataclass
class Places:
    """Districts and streets by name, to read a place from 登记机关 and 住所."""

    districts: list[Region]
    streets: list[Region]

    @classmethod
    def load(cls) -> Places:
        regions = list(Region.objects.exclude(level=Region.Level.CITY).select_related("parent"))
        by_length = sorted(regions, key=lambda r: -len(r.name))
        return cls(
            districts=[r for r in by_length if r.level == Region.Level.DISTRICT],
            streets=[r for r in by_length if r.level == Region.Level.STREET],
        )

    def district_in(self, text: str) -> Region | None:
        return next((d for d in self.districts if d.name in text), None) if text else None

    def street_in(self, address: str, district: Region | None) -> Region | None:
        """The street the address names (longest name first: 新虹街道 before 虹街道); None when
        it names none, or two of the same length in different places."""
        found = [s for s in self.streets if s.name in address and (district is None or s.parent_id == district.pk)]
        if not found:
            return None
        best = [s for s in found if len(s.name) == len(found[0].name)]
        return best[0] if len(best) == 1 else None


def parse_date(value: str) -> dt.date | None:
    text = normalise_text(value).replace("年", "-").replace("月", "-").replace("日", "")
    if not text:
        return None
    text = text.split(" ")[0]
    match = _DATE.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text))
    if match is None:
        raise ValidationError(_("成立日期无法识别：%(value)s") % {"value": value}, code="bad_date")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValidationError(_("成立日期无法识别：%(value)s") % {"value": value}, code="bad_date") from exc


def clean_row(values: dict[str, str], places: Places) -> RegistryEntry:
    """One registry row as a RegistryEntry, or a ValidationError naming every bad field."""
    errors = FieldErrors()
    uscc = ""
    try:
        uscc = validate_uscc(values.get("uscc", ""))
    except ValidationError as exc:
        errors.add_exc("uscc", exc)
    name = values.get("name", "").strip()
    if not name:
        errors.add_code("name", _("请填写企业名称"), "required")
    code = normalise_text(values.get("industry_code", ""))
    if not code:
        errors.add_code("industry_code", _("请填写行业代码"), "required")
    elif not _CODE.match(code):
        errors.add_code(
            "industry_code",
            _("行业代码不是 GB/T 4754-2017 的四位代码：%(value)s") % {"value": values["industry_code"]},
            "unknown_industry_code",
        )
    status = values.get("registry_status", "").strip()
    left = any(word in status for word in LEFT_STATUSES)
    if not status:
        errors.add_code("registry_status", _("请填写登记状态"), "required")
    elif not left and not any(word in status for word in ACTIVE_STATUSES):
        errors.add_code("registry_status", _("登记状态无法识别：%(value)s") % {"value": status}, "bad_status")
    registered_on = None
    try:
        registered_on = parse_date(values.get("registered_on", ""))
    except ValidationError as exc:
        errors.add_exc("registered_on", exc)
    errors.raise_if_any()
    authority = values.get("registry_authority", "").strip()
    address = values.get("address", "").strip()
    district = places.district_in(authority) or places.district_in(address)
    street = places.street_in(address, district)
    if district is None and street is not None:
        district = street.parent
    return RegistryEntry(
        uscc=uscc,
        name=name[:128],
        legal_rep=values.get("legal_rep", "").strip()[:64],
        industry_code=code,
        industry=industry_map().get(code, ""),
        address=address[:200],
        registry_authority=authority[:64],
        registry_status=status[:20],
        left_register=left,
        registered_on=registered_on,
        district=district,
        street=street,
    )


@dataclass
class Extract:
    """A registry file read to rows of {field: text}, numbered as the spreadsheet shows them."""

    rows: list[tuple[int, dict[str, str]]]


def read_extract(data: bytes, filename: str) -> Extract:
    """Raises ValidationError (code bad_file, no_header, missing_columns) for a file that is not
    a registry extract."""
    table = excel.read_table(data, filename)
    index = excel.find_header(table, _known_header)
    if index is None:
        raise ValidationError(
            _("找不到表头：第一行（或标题行下面）应有“统一社会信用代码、企业名称、行业代码、登记状态”等列"),
            code="no_header",
        )
    found = excel.records(table, index)
    position: dict[str, int] = {}
    for i, cell in enumerate(found.header):
        name = _BY_HEADER.get(normalise_text(cell))
        if name is not None and name not in position:
            position[name] = i
    missing = [HEADERS[c][0] for c in REQUIRED if c not in position]
    if missing:
        raise ValidationError(_("表头缺少这些列：%(cols)s") % {"cols": "、".join(missing)}, code="missing_columns")
    rows = [
        (number, {name: (cells[i] if i < len(cells) else "") for name, i in position.items()})
        for number, cells in found.rows
    ]
    return Extract(rows=rows)


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    rejected: list[RowError] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """Exactly the line the command ends with (the issue's contract)."""
        c = self.counts
        return f"created={c['created']} updated={c['updated']} unchanged={c['unchanged']} rejected={len(self.rejected)}"


def duplicate_rows(rows: Iterable[tuple[int, dict[str, str]]], places: Places | None = None) -> dict[str, int]:
    """{row number: the earlier valid row with the same USCC} for every valid row that repeats
    one: found over the whole file before a chunked import starts (insight.services)."""
    places = places or Places.load()
    seen: dict[str, int] = {}
    repeats: dict[str, int] = {}
    for number, values in rows:
        try:
            entry = clean_row(values, places)
        except ValidationError:
            continue
        if entry.uscc in seen:
            repeats[str(number)] = seen[entry.uscc]
        else:
            seen[entry.uscc] = number
    return repeats


def import_extract(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    actor: Actor,
    progress: Callable[[int], None] | None = None,
    duplicates: dict[str, int] | None = None,
) -> ImportResult:
    """Upsert every valid row by USCC; a USCC seen earlier in the same file is rejected (the
    file contradicts itself — the first row wins and the report names it). `duplicates`
    (duplicate_rows of the whole file) when `rows` is only a part of it."""
    result = ImportResult()
    places = Places.load()
    seen: dict[str, int] = {}
    for number, values in rows:
        try:
            entry = clean_row(values, places)
            if duplicates is not None and str(number) in duplicates:
                seen[entry.uscc] = duplicates[str(number)]
            if entry.uscc in seen:
                raise ValidationError(
                    {
                        "uscc": [
                            ValidationError(
                                _("文件中第%(row)d行已有相同的统一社会信用代码") % {"row": seen[entry.uscc]},
                                code="duplicate_in_file",
                            )
                        ]
                    }
                )
            seen[entry.uscc] = number
            _enterprise, outcome = record_registry_entry(entry, actor=actor)
            result.counts[outcome] += 1
        except ValidationError as exc:
            result.rejected.append(
                RowError(
                    index=number, external_id=normalise_text(values.get("uscc", "")).upper(), errors=django_errors(exc)
                )
            )
        if progress is not None:
            progress(1)
    return result


REJECTED_HEADER = ("row", "uscc", "field", "code", "message")


def rejected_lines(result: ImportResult) -> list[tuple[int, str, str, str, str]]:
    """One line per error of a rejected row: the error file beside an import."""
    return [
        (item["index"], item["external_id"], name, error["code"], error["message"])
        for item in result.rejected
        for name, errors in item["errors"].items()
        for error in errors
    ]
