"""`manage.py restore FILE --yes`: replace the database with a backup. Stop the web servers and
task workers first. Without --yes it shows the backup's manifest and asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.ops.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore the database from an encrypted backup file (stop the servers first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, file: Path, yes: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            manifest = read_manifest(file)
            if not yes:
                self.stdout.write(
                    f"Backup of {manifest.created_at} ({manifest.engine}, {sum(manifest.rows.values())} rows).\n"
                    "This REPLACES every row of the configured database. Stop the web servers and workers first."
                )
                if input("Type 'yes' to restore: ").strip().lower() != "yes":
                    raise CommandError("restore cancelled; nothing was changed")
            restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest.created_at}; start the servers again")
