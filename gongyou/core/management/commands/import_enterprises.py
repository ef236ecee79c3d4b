"""Import enterprises from CSV or XLSX, upserting by USCC (seed §二(一)2: 平台企业及其关联企业).

Columns: uscc,name,industry,street_code,is_head,parent_uscc,relation. A parent may appear later
in the file than its affiliates: rows are imported parents first. Every row stands alone: a bad
row is reported (printed, and written to "<file>.errors.csv" beside the file) and never blocks
a good one. Running the same file again changes nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongyou.core import excel
from gongyou.core.actors import COMMAND
from gongyou.core.choices import Industry, choice_lookup
from gongyou.core.errors import FieldErrors, django_errors
from gongyou.core.models import Enterprise
from gongyou.core.services import get_street, upsert_enterprise
from gongyou.core.validators import normalise_text, validate_uscc

COLUMNS = ("uscc", "name", "industry", "street_code", "is_head", "parent_uscc", "relation")
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"", "0", "false", "no", "n", "否", "f"}


@dataclass
class Row:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    values: dict[str, str]

    @property
    def key(self) -> str:
        return normalise_text(self.values["uscc"]).upper()

    @property
    def parent_key(self) -> str:
        return normalise_text(self.values["parent_uscc"]).upper()


def _choice(options: dict[str, str], value: str) -> str | None:
    return options.get(value) or options.get(value.lower())


def _read_table(path: Path) -> list[list[str]]:
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        raise CommandError(f"不支持的文件类型“{path.suffix}”：请使用 .csv 或 .xlsx 文件")
    try:
        return excel.read_table(path.read_bytes(), path.name)
    except ValidationError as exc:
        kind = "文件" if path.suffix.lower() == ".csv" else " Excel 文件"
        raise CommandError(f"无法读取{kind}：{path}（{'；'.join(exc.messages)}）") from exc


def read_rows(path: Path) -> list[Row]:
    table = _read_table(path)
    if not table:
        raise CommandError(f"文件是空的：{path}")
    header = [h.strip().lower().lstrip("\ufeff") for h in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CommandError(f"表头缺少列：{', '.join(missing)}。第一行必须包含这些列：{','.join(COLUMNS)}")
    position = {c: header.index(c) for c in COLUMNS}
    rows = []
    for number, record in enumerate(table[1:], start=2):
        if not any(record):
            continue
        values = {c: (record[i] if i < len(record) else "") for c, i in position.items()}
        rows.append(Row(number, values))
    return rows


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



def import_row(row: Row, in_file: bool = False) -> str:
    """Upsert one row; returns "created", "updated" or "unchanged", or raises ValidationError.
    `in_file`: the row's parent is also a row of the file (so its absence means that row failed)."""
    v = row.values
    errors = FieldErrors()
    uscc = ""
    try:
        uscc = validate_uscc(v["uscc"])
    except ValidationError as exc:
        errors.add_exc("uscc", exc)
    if not v["name"]:
        errors.add_code("name", _("请填写企业名称"), "required")
    industry = _choice(choice_lookup(Industry), v["industry"])
    if not v["industry"]:
        errors.add_code("industry", _("请填写行业"), "required")
    elif industry is None:
        errors.add_code("industry", _("行业取值无效：%(value)s") % {"value": v["industry"]}, "bad_industry")
    street = None
    if not v["street_code"]:
        errors.add_code("street_code", _("请填写所在街镇的统计用区划代码"), "required")
    else:
        try:
            street = get_street(v["street_code"])
        except ValidationError as exc:
            errors.add_exc("street_code", exc)
    flag = v["is_head"].strip().lower()
    if flag not in TRUE | FALSE:
        errors.add_code(
            "is_head", _("is_head 应为 是/否 或 1/0，而不是“%(value)s”") % {"value": v["is_head"]}, "bad_boolean"
        )
    relation = ""
    if v["relation"]:
        relation = _choice(choice_lookup(Enterprise.Relation), v["relation"]) or ""
        if not relation:
            errors.add_code("relation", _("与上级企业关系取值无效：%(value)s") % {"value": v["relation"]}, "bad_relation")
    parent = None
    if v["parent_uscc"]:
        try:
            parent = Enterprise.objects.filter(uscc=validate_uscc(v["parent_uscc"])).first()
            if parent is None and in_file:
                errors.add_code("parent_uscc", _("上级企业不存在（文件中的上级企业行也未能导入）"), "unknown_parent")
            elif parent is None:
                errors.add_code("parent_uscc", _("上级企业不存在：请先导入上级企业，或把它加入本文件"), "unknown_parent")
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
        actor=COMMAND,
    )
    return outcome


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 导入企业（按统一社会信用代码新增或更新）；错误行写入“<文件>.errors.csv”"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=f"CSV 或 XLSX 文件，列：{','.join(COLUMNS)}")

    def handle(self, *args: Any, file: Path, verbosity: int = 1, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        rows = read_rows(file)
        ordered, cyclic = parents_first(rows)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        problems: list[tuple[int, str, str, str, str]] = []
        rejected: set[int] = set()
        err = self.stderr._out  # the raw stream: tqdm redraws with "\r", OutputWrapper adds newlines

        def reject(row: Row, field: str, code: str, message: str) -> None:
            rejected.add(row.number)
            problems.append((row.number, row.values["uscc"], field, code, message))
            if verbosity:
                tqdm.write(f"第{row.number}行（{row.values['uscc'] or '无代码'}）{field}：{message} [{code}]", file=err)

        for row in cyclic:
            reject(row, "parent_uscc", "parent_cycle", _("上级企业关系形成了循环"))
        seen: set[str] = set()
        keys = {row.key for row in rows}
        with tqdm(total=len(ordered), desc="导入企业", unit="行", file=err, disable=verbosity == 0) as bar:
            for row in ordered:
                bar.update(1)
                if row.key and row.key in seen:
                    reject(row, "uscc", "duplicate_in_file", _("文件中已有相同统一社会信用代码的行"))
                    continue
                seen.add(row.key)
                try:
                    counts[import_row(row, in_file=bool(row.parent_key) and row.parent_key in keys)] += 1
                except ValidationError as exc:
                    for field, errs in django_errors(exc).items():
                        for e in errs:
                            reject(row, field, e["code"], e["message"])

        errors_path = file.with_name(file.name + ".errors.csv")
        if problems:
            problems.sort()
            with errors_path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", "uscc", "field", "code", "message"])
                writer.writerows(problems)
        elif errors_path.exists():
            errors_path.unlink()  # a stale report from an earlier run would mislead
        summary = (
            f"新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}，拒绝 {len(rejected)}"
        )
        if problems:
            summary += f"；错误明细见 {errors_path}"
        self.stdout.write(summary)
