"""Import enterprises, or their delivery stations, from CSV or XLSX (seed §二(一)2: 平台企业及其
关联企业). The file's header says which (see gongyou.core.enterprise_import, shared with the
console's upload): enterprises upsert by USCC, parents first; stations upsert by station code.
Every row stands alone: a bad row is reported (printed, and written to "<file>.errors.csv" beside
the file) and never blocks a good one. Running the same file again changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongyou.core.actors import COMMAND
from gongyou.core.enterprise_import import ENTERPRISE_COLUMNS, STATION_COLUMNS, Row, import_table, read_table


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 导入企业或配送站点（按统一社会信用代码/站点编码新增或更新）；错误行写入“<文件>.errors.csv”"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            type=Path,
            help=f"CSV 或 XLSX 文件，企业列：{','.join(ENTERPRISE_COLUMNS)}；站点列：{','.join(STATION_COLUMNS)}[,lng,lat,crs]",
        )

    def handle(self, *args: Any, file: Path, verbosity: int = 1, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        if file.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            raise CommandError(f"不支持的文件类型“{file.suffix}”：请使用 .csv 或 .xlsx 文件")
        try:
            table = read_table(file.read_bytes(), file.name)
        except ValidationError as exc:
            if exc.code in ("bad_file", "bad_encoding"):
                kind = "文件" if file.suffix.lower() == ".csv" else " Excel 文件"
                raise CommandError(f"无法读取{kind}：{file}（{'；'.join(exc.messages)}）") from exc
            raise CommandError(f"{'；'.join(exc.messages)}（{file}）") from exc
        problems: list[tuple[int, str, str, str, str]] = []
        err = self.stderr._out  # the raw stream: tqdm redraws with "\r", OutputWrapper adds newlines
        key = "uscc" if table.kind == "enterprises" else "station_code"

        def reject(row: Row, field: str, code: str, message: str) -> None:
            problems.append((row.number, row.values[key], field, code, message))
            if verbosity:
                tqdm.write(f"第{row.number}行（{row.values[key] or '无代码'}）{field}：{message} [{code}]", file=err)

        desc = "导入企业" if table.kind == "enterprises" else "导入站点"
        with tqdm(total=len(table.rows), desc=desc, unit="行", file=err, disable=verbosity == 0) as bar:
            result = import_table(table, user=None, actor=COMMAND, progress=lambda: bar.update(1), on_reject=reject)

        errors_path = file.with_name(file.name + ".errors.csv")
        if problems:
            problems.sort()
            with errors_path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", key, "field", "code", "message"])
                writer.writerows(problems)
        elif errors_path.exists():
            errors_path.unlink()  # a stale report from an earlier run would mislead
        summary = result.summary
        if problems:
            summary += f"；错误明细见 {errors_path}"
        self.stdout.write(summary)
