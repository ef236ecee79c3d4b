"""`manage.py load_holidays FILE.csv`: the statutory public holidays (法定节假日) that positions
marked "closed on public holidays" observe. The State Council publishes each year's dates late in
the year before; an operator loads them with this command (CSV with columns date,name; ISO
dates). Idempotent: a date already loaded with the same name is left alone."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.positions.services import load_public_holidays


class Command(BaseCommand):
    help = "Load public-holiday dates (CSV: date,name) for positions closed on public holidays."

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
            raise CommandError(f"{path}: 日期格式应为 YYYY-MM-DD（{exc}）") from exc
        self.stdout.write(self.style.SUCCESS(f"法定节假日已载入：新增或更名 {changed} 天"))
