"""`manage.py backup DIR`: an encrypted backup of the whole database; the file's path is the
last line printed (for scripts: `path=$(manage.py backup /srv/backups | tail -n1)`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.ops.backup import BackupError, make_backup, read_manifest


class Command(BaseCommand):
    help = "Write an encrypted backup (GONGYOU_BACKUP_KEY) of the database into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            path = make_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(path)
        self.stdout.write(f"{sum(manifest.rows.values())} rows in {len(manifest.rows)} tables, {manifest.engine}")
        self.stdout.write(str(path))
