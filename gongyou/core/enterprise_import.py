"""Importing enterprises and their delivery stations from CSV or XLSX (seed §二(一)2: 平台企业及其
关联企业), for `manage.py import_enterprises` and the console's upload alike: one reader, one
row check, one scope rule.

Two kinds of file, told apart by their header (found even below a title row):
- enterprises: uscc,name,industry,street_code,is_head,parent_uscc,relation — upsert by USCC; a
  parent may appear later in the file than its affiliates (rows are imported parents first);
- stations: station_code,station_name,uscc,street_code,address[,lng,lat,crs] — upsert by
  station code, the enterprise registered already; the point WGS-84 unless crs says gcj02.

Every row stands alone: a bad row is reported with its reasons and never blocks a good one, and
importing the same file again changes nothing. Scope: a staff user creates or updates only
enterprises and stations in the streets they look after (and never one registered outside
them); the command (no user) acts for the whole city. Out-of-scope rows are row errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from gongyou.core import excel
from gongyou.core.access import AnyUser, enterprises_in_scope, stations_in_scope, streets_in_scope
from gongyou.core.actors import Actor
from gongyou.core.choices import Industry, choice_lookup
from gongyou.core.errors import ErrorDict, FieldErrors, RowError, django_errors
from gongyou.core.models import Enterprise, Region, Station
from gongyou.core.services import create_station, get_street, update_station, upsert_enterprise
from gongyou.core.synthetic import make_uscc
from gongyou.core.validators import clean_point, normalise_text, validate_uscc

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrOrPromise
else:
    StrOrPromise = str

ENTERPRISE_COLUMNS = ("uscc", "name", "industry", "street_code", "is_head", "parent_uscc", "relation")
STATION_COLUMNS = ("station_code", "station_name", "uscc", "street_code", "address")
STATION_OPTIONAL = ("lng", "lat", "crs")
ENTERPRISES, STATIONS = "enterprises", "stations"
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"", "0", "false", "no", "n", "否", "f"}
OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class Row:
    number: int  # the row number a spreadsheet shows
    values: dict[str, str]
    cells: list[str]  # the row as uploaded, for the error file

    @property
    def key(self) -> str:
        """What the row is known by: the USCC of an enterprise, the code of a station."""
        if "station_code" in self.values:
            return normalise_text(self.values["station_code"]).upper()
        return normalise_text(self.values["uscc"]).upper()

    @property
    def parent_key(self) -> str:
        return normalise_text(self.values.get("parent_uscc", "")).upper()


@dataclass
class Table:
    kind: str
    header: list[str]
    rows: list[Row]


@dataclass
class ImportResult:
    kind: str
    header: list[str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    rejected: list[RowError] = field(default_factory=list)
    # The rejected rows as uploaded, by row number (the error file repeats them with a reason).
    rejected_cells: dict[int, list[str]] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        c = self.counts
        return f"新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}，拒绝 {len(self.rejected)}"

    def error_lines(self) -> list[list[str]]:
        """The rejected rows as uploaded, each with its reasons in one last cell."""
        width = len(self.header)
        lines = []
        for item in sorted(self.rejected, key=lambda r: r["index"]):
            cells = self.rejected_cells.get(item["index"], [])
            cells = [*cells[:width], *[""] * (width - len(cells))]
            lines.append([*cells, reasons(item["errors"])])
        return lines


def reasons(errors: ErrorDict) -> str:
    return "；".join(f"{name}：{e['message']}" for name, items in errors.items() for e in items)


def _error(field: str, message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


# --- reading ----------------------------------------------------------------------------------


def _key(cell: str) -> str:
    return cell.strip().lower().lstrip("\ufeff")


def read_table(data: bytes, filename: str) -> Table:
    """The rows of an uploaded enterprise or station file. Raises ValidationError with a message
    for the uploader when the file cannot be read or lacks a column."""
    if not filename.lower().endswith((".csv", ".xlsx", ".xlsm")):
        raise ValidationError(_("不支持的文件类型：请使用 .csv 或 .xlsx 文件"), code="bad_file_type")
    table = excel.read_table(data, filename)
    known = set(ENTERPRISE_COLUMNS) | set(STATION_COLUMNS) | set(STATION_OPTIONAL)
    header_index = excel.find_header(table, lambda cell: _key(cell) in known)
    if header_index is None:
        if not any(any(row) for row in table):
            raise ValidationError(_("文件是空的"), code="empty")
        header_index = 0
    header = [_key(cell) for cell in table[header_index]]
    kind = STATIONS if "station_code" in header else ENTERPRISES
    columns = STATION_COLUMNS if kind == STATIONS else ENTERPRISE_COLUMNS
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationError(
            _("表头缺少列：%(missing)s。表头必须包含这些列：%(columns)s")
            % {"missing": ", ".join(missing), "columns": ",".join(columns)},
            code="missing_columns",
        )
    wanted = [*columns, *(STATION_OPTIONAL if kind == STATIONS else ())]
    position = {c: header.index(c) for c in wanted if c in header}
    records = excel.records(table, header_index)
    rows = [
        Row(
            number,
            {c: (cells[position[c]] if c in position and position[c] < len(cells) else "") for c in wanted},
            cells,
        )
        for number, cells in records.rows
    ]
    return Table(kind=kind, header=list(table[header_index]), rows=rows)


def parents_first(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Order rows so that a parent in the file comes before its affiliates; returns
    (ordered, rows caught in a parent cycle)."""
    in_file = {row.key for row in rows}
    placed: set[str] = set()
    ordered: list[Row] = []
    pending = rows
    while pending:
        ready = [r for r in pending if not r.parent_key or r.parent_key not in in_file or r.parent_key in placed]
        if not ready:
            break
        ordered.extend(ready)
        placed.update(r.key for r in ready)
        ready_ids = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in ready_ids]
    return ordered, pending


# --- scope ------------------------------------------------------------------------------------


@dataclass
class Scope:
    """What an importer may touch; the command's scope (no user) is the whole city."""

    streets: models.QuerySet[Region]
    enterprises: models.QuerySet[Enterprise]
    stations: models.QuerySet[Station]

    @classmethod
    def of(cls, user: AnyUser | None) -> Scope:
        if user is None:
            return cls(
                Region.objects.filter(level=Region.Level.STREET), Enterprise.objects.all(), Station.objects.all()
            )
        return cls(streets_in_scope(user), enterprises_in_scope(user), stations_in_scope(user))

    @cached_property
    def street_ids(self) -> set[int]:
        return set(self.streets.values_list("pk", flat=True))

    def street(self, code: str, errors: FieldErrors) -> Region | None:
        if not code:
            errors.add_code("street_code", _("请填写所在街镇的统计用区划代码"), "required")
            return None
        try:
            street = get_street(code)
        except ValidationError as exc:
            errors.add_exc("street_code", exc)
            return None
        if street.pk not in self.street_ids:
            errors.add_code("street_code", _("这个街镇不在您的管辖范围内"), "not_in_scope")
            return None
        return street


def _choice(options: dict[str, str], value: str) -> str | None:
    return options.get(value) or options.get(value.lower())


# --- enterprises ------------------------------------------------------------------------------


def import_enterprise_row(row: Row, scope: Scope, *, actor: Actor, in_file: bool = False) -> str:
    """Upsert one enterprise row; returns "created", "updated" or "unchanged", or raises
    ValidationError. `in_file`: the row's parent is also a row of the file (so its absence means
    that row failed)."""
    v = row.values
    errors = FieldErrors()
    uscc = ""
    try:
        uscc = validate_uscc(v["uscc"])
    except ValidationError as exc:
        errors.add_exc("uscc", exc)
    if uscc and Enterprise.objects.filter(uscc=uscc).exists() and not scope.enterprises.filter(uscc=uscc).exists():
        # Registered elsewhere: not this importer's to overwrite.
        errors.add_code("uscc", _("这家企业登记在您的管辖范围之外，不能在这里修改"), "not_in_scope")
    if not v["name"]:
        errors.add_code("name", _("请填写企业名称"), "required")
    industry = _choice(choice_lookup(Industry), v["industry"])
    if not v["industry"]:
        errors.add_code("industry", _("请填写行业"), "required")
    elif industry is None:
        errors.add_code("industry", _("行业取值无效：%(value)s") % {"value": v["industry"]}, "bad_industry")
    street = scope.street(v["street_code"], errors)
    flag = v["is_head"].strip().lower()
    if flag not in TRUE | FALSE:
        errors.add_code(
            "is_head", _("is_head 应为 是/否 或 1/0，而不是“%(value)s”") % {"value": v["is_head"]}, "bad_boolean"
        )
    relation = ""
    if v["relation"]:
        relation = _choice(choice_lookup(Enterprise.Relation), v["relation"]) or ""
        if not relation:
            errors.add_code(
                "relation", _("与上级企业关系取值无效：%(value)s") % {"value": v["relation"]}, "bad_relation"
            )
    parent = None
    if v["parent_uscc"]:
        try:
            # A parent outside the importer's scope is reported like a missing one.
            parent = scope.enterprises.filter(uscc=validate_uscc(v["parent_uscc"])).first()
            if parent is None and in_file:
                errors.add_code("parent_uscc", _("上级企业不存在（文件中的上级企业行也未能导入）"), "unknown_parent")
            elif parent is None:
                errors.add_code(
                    "parent_uscc", _("上级企业不存在：请先导入上级企业，或把它加入本文件"), "unknown_parent"
                )
        except ValidationError as exc:
            errors.add_exc("parent_uscc", exc)
    errors.raise_if_any()
    assert street is not None and industry is not None
    _enterprise, outcome = upsert_enterprise(
        uscc=uscc,
        name=v["name"],
        industry=industry,
        street=street,
        is_head=flag in TRUE,
        parent=parent,
        relation=relation,
        actor=actor,
    )
    return outcome


# --- stations ---------------------------------------------------------------------------------


def import_station_row(row: Row, scope: Scope, *, actor: Actor) -> str:
    """Upsert one station row by its code; returns "created", "updated" or "unchanged", or
    raises ValidationError. A station keeps the enterprise it was registered under."""
    v = row.values
    errors = FieldErrors()
    code = v["station_code"].strip()
    if not code:
        errors.add_code("station_code", _("请填写站点编码"), "required")
    elif len(code) > 40:
        errors.add_code("station_code", _("站点编码不能超过40个字符"), "too_long")
    existing = Station.objects.filter(code=code).first() if code else None
    if existing is not None and not scope.stations.filter(pk=existing.pk).exists():
        errors.add_code("station_code", _("站点编码已存在"), "duplicate")
    if not v["station_name"]:
        errors.add_code("station_name", _("请填写站点名称"), "required")
    enterprise = None
    try:
        enterprise = scope.enterprises.filter(uscc=validate_uscc(v["uscc"])).first()
        if enterprise is None:
            errors.add_code("uscc", _("找不到这家企业：请先登记或导入企业"), "unknown_enterprise")
    except ValidationError as exc:
        errors.add_exc("uscc", exc)
    if existing is not None and enterprise is not None and existing.enterprise_id != enterprise.pk:
        errors.add_code("uscc", _("这个站点登记在另一家企业名下，所属企业不能通过导入更改"), "enterprise_changed")
    street = scope.street(v["street_code"], errors)
    point = None
    if v["lng"] or v["lat"]:
        point = clean_point(v["lng"], v["lat"], (v["crs"] or "wgs84").strip().lower(), errors)
    errors.raise_if_any()
    assert enterprise is not None and street is not None
    lng, lat = point if point is not None else (None, None)
    try:
        if existing is None:
            create_station(
                code=code, name=v["station_name"], enterprise=enterprise, street=street, address=v["address"],
                lng=lng, lat=lat, actor=actor,
            )  # fmt: skip
            return "created"
        _station, outcome = update_station(
            existing, name=v["station_name"], street=street, address=v["address"], lng=lng, lat=lat, actor=actor
        )
    except ValidationError as exc:
        # The service names its own fields (code, name); the file's columns are station_*.
        renamed = {"code": "station_code", "name": "station_name"}
        raise ValidationError(
            {
                renamed.get(f, f): errs
                for f, errs in getattr(exc, "error_dict", {"station_code": exc.error_list}).items()
            }
        ) from exc
    return outcome


# --- the whole file ---------------------------------------------------------------------------


def import_table(
    table: Table,
    *,
    user: AnyUser | None,
    actor: Actor,
    progress: Callable[[], None] | None = None,
    on_reject: Callable[[Row, str, str, str], None] | None = None,
) -> ImportResult:
    """Import every row of `table` within `user`'s scope (None: the command, the whole city)."""
    scope = Scope.of(user)
    result = ImportResult(kind=table.kind, header=table.header)
    found: dict[int, ErrorDict] = {}

    def reject(row: Row, errors: ErrorDict) -> None:
        found.setdefault(row.number, {})
        for name, items in errors.items():
            found[row.number].setdefault(name, []).extend(items)
            for e in items:
                if on_reject is not None:
                    on_reject(row, name, e["code"], e["message"])
        result.rejected_cells[row.number] = row.cells

    if table.kind == ENTERPRISES:
        ordered, cyclic = parents_first(table.rows)
        for row in cyclic:
            reject(row, {"parent_uscc": [{"code": "parent_cycle", "message": _("上级企业关系形成了循环")}]})
        keys = {row.key for row in table.rows}
    else:
        ordered, keys = table.rows, set()
    seen: set[str] = set()
    duplicate = (
        _("文件中已有相同统一社会信用代码的行") if table.kind == ENTERPRISES else _("文件中已有相同站点编码的行")
    )
    key_field = "uscc" if table.kind == ENTERPRISES else "station_code"
    for row in ordered:
        if progress is not None:
            progress()
        if row.key and row.key in seen:
            reject(row, {key_field: [{"code": "duplicate_in_file", "message": str(duplicate)}]})
            continue
        seen.add(row.key)
        try:
            if table.kind == ENTERPRISES:
                in_file = bool(row.parent_key) and row.parent_key in keys
                outcome = import_enterprise_row(row, scope, actor=actor, in_file=in_file)
            else:
                outcome = import_station_row(row, scope, actor=actor)
        except ValidationError as exc:
            reject(row, django_errors(exc))
        else:
            result.counts[outcome] += 1
    external = {row.number: row.values[key_field] for row in table.rows}
    result.rejected = [
        RowError(index=number, external_id=external.get(number, ""), errors=errors)
        for number, errors in sorted(found.items())
    ]
    return result


def template_bytes(kind: str) -> bytes:
    """An empty file to fill in: the header and one example row, every cell text."""
    if kind == STATIONS:
        header: Sequence[Any] = [*STATION_COLUMNS, *STATION_OPTIONAL]
        example: list[Any] = [
            "ST-0001",
            "示例配送站",
            make_uscc(1),
            "310104014",
            "示例路1号",
            "121.43",
            "31.19",
            "wgs84",
        ]
    else:
        header = ENTERPRISE_COLUMNS
        example = [make_uscc(1), "示例配送有限公司", "food_delivery", "310104014", "否", "", ""]
    sheet = excel.Sheet(str(_("站点") if kind == STATIONS else _("企业")), header, [example], text=True)
    return excel.workbook_bytes([sheet])
