"""`manage.py load_holidays FILE.csv`: the State Council's holiday arrangement for a year — the
statutory public holidays (法定节假日), which positions marked "closed on public holidays" observe
and case deadlines skip, and the make-up working days (调休上班), which case deadlines count as
working days. The arrangement is published late in the year before; an operator loads it with this
command (CSV with columns date,name and optionally workday: 1 on a make-up working day; ISO
dates). Idempotent: a date already loaded the same way is left alone; a bad row loads nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.positions.services import load_public_holidays


class Command(BaseCommand):
    help = "Load the year's holiday arrangement (CSV: date,name[,workday]) for positions and case deadlines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            with path.open(encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
            if rows and "date" not in rows[0]:
                raise CommandError(f"{path}: 缺少 date 列（表头应为 date,name）")
            changed = load_public_holidays(rows, actor=COMMAND)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: 日期格式应为 YYYY-MM-DD，workday 列填 1/0（{exc}）") from exc
        self.stdout.write(self.style.SUCCESS(f"节假日安排已载入：新增或更改 {changed} 天"))
