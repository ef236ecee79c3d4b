"""Load a market-registry extract (市场主体登记信息, CSV or XLSX) into enterprise records.

Progress goes to stderr; the last line on stdout is exactly
`created=N updated=N unchanged=N rejected=N`, and rejected rows with their reasons are written
to "<file>.rejected.csv" beside the file. Running the same file again changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongyou.core.actors import COMMAND
from gongyou.insight.registry import REJECTED_HEADER, import_extract, read_extract, rejected_lines


class Command(BaseCommand):
    help = "导入市场主体登记信息（CSV 或 XLSX），按统一社会信用代码新增或更新企业；拒绝的行写入“<文件>.rejected.csv”"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="市场监管部门导出的 CSV 或 XLSX 文件")

    def handle(self, *args: Any, file: Path, verbosity: int = 1, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        if file.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            raise CommandError(f"不支持的文件类型“{file.suffix}”：请使用 .csv 或 .xlsx 文件")
        try:
            extract = read_extract(file.read_bytes(), file.name)
        except ValidationError as exc:
            raise CommandError(f"{file}：{'；'.join(exc.messages)}") from exc
        err = self.stderr._out  # the raw stream: tqdm redraws with "\r"
        with tqdm(total=len(extract.rows), desc="导入登记信息", unit="行", file=err, disable=verbosity == 0) as bar:
            result = import_extract(extract.rows, actor=COMMAND, progress=bar.update)
        rejected_path = file.with_name(file.name + ".rejected.csv")
        lines = rejected_lines(result)
        if lines:
            with rejected_path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(REJECTED_HEADER)
                writer.writerows(lines)
            if verbosity:
                self.stderr.write(f"拒绝的行及原因见 {rejected_path}")
        elif rejected_path.exists():
            rejected_path.unlink()  # a stale report from an earlier run would mislead
        self.stdout.write(result.summary)
