"""`manage.py rotate_data_key`: re-encrypt and re-hash every personal-data column under the
current GONGYOU_DATA_KEY (the retiring one in GONGYOU_DATA_KEY_PREVIOUS). Resumable: run it again
after an interruption. `--generate` (demo only) first makes a new key in var/secrets/."""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongyou.core.actors import COMMAND
from gongyou.core.rotation import rotate_data_key, rotation_unfinished
from gongyou.secrets import write_private


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field and rebuild every keyed hash under the current data key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--generate",
            action="store_true",
            help="demo (DEBUG) only: write a new key to var/secrets/, keep the old one as previous, rotate",
        )

    def handle(self, *args: Any, batch_size: int, generate: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if generate:
            self._generate()
        try:
            result = rotate_data_key(actor=COMMAND, batch_size=batch_size, progress=self._progress)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        total = sum(result.rows.values())
        self.stdout.write(f"rotated {total} rows; every personal-data column is sealed with the current key")
        self.stdout.write(
            "Remove GONGYOU_DATA_KEY_PREVIOUS (and var/secrets/gongyou_data_key_previous in the demo) "
            "once every process runs with the new key."
            if not generate
            else "Restart the demo server so it uses the new key."
        )

    def _progress(self, model: str, done: int, total: int) -> None:
        self.stdout.write(f"{model}: {done}/{total}")

    def _generate(self) -> None:
        if not settings.DEBUG or os.environ.get("GONGYOU_DATA_KEY"):
            raise CommandError(
                "--generate is for the demo, whose keys live in var/secrets/; in production put the new key in "
                "GONGYOU_DATA_KEY and the old one in GONGYOU_DATA_KEY_PREVIOUS, restart, then run rotate_data_key."
            )
        if rotation_unfinished():
            # A new key now would retire the only key some rows can still be read with.
            raise CommandError("A rotation is unfinished: run rotate_data_key without --generate to finish it first.")
        directory = settings.VAR_DIR / "secrets"
        old = settings.GONGYOU_DATA_KEY
        new = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        # The previous key first: a crash between the two writes leaves both keys on disk.
        write_private(directory, "gongyou_data_key_previous", old)
        write_private(directory, "gongyou_data_key", new)
        settings.GONGYOU_DATA_KEY_PREVIOUS = old
        settings.GONGYOU_DATA_KEY = new
        self.stdout.write(f"new data key written to {directory / 'gongyou_data_key'}; the old one kept as previous")
