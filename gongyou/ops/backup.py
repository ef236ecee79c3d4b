"""Encrypted backups of the whole database, and their restore.

A backup file is one stream: a header, then AES-256-GCM chunks (1 MiB) sealed with a key derived
from GONGYOU_BACKUP_KEY and a per-file salt. The first chunk is the manifest (time, database
engine, schema version = the migrations applied, row counts per table); the rest is the
database itself — SQLite's online backup API copy, or PostgreSQL's `pg_dump --format=custom`.
Each chunk's nonce carries its index and the last one is flagged, so chunks cannot be dropped,
reordered or cut off without the restore noticing.

Restore checks the key (the manifest chunk), the schema (no migration this code does not know)
and every chunk of the payload before it touches the database, so a wrong key, a newer backup or
a damaged file change nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from gongyou.secrets import key_bytes

MAGIC = b"GONGYOU-BACKUP-1\n"
CHUNK = 1 << 20
SUFFIX = ".gybak"


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    engine: str
    schema: dict[str, list[str]]  # app label → applied migration names
    rows: dict[str, int]  # "app_label.model" → rows

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        return cls(data["created_at"], data["engine"], data["schema"], data["rows"])


# --- the encrypted stream ------------------------------------------------------------------------


def _backup_key() -> bytes:
    value = getattr(settings, "GONGYOU_BACKUP_KEY", None)
    raw = key_bytes(value) if value else None
    if not raw or len(raw) < 32:
        raise BackupError(
            "GONGYOU_BACKUP_KEY must be set to at least 32 random bytes (hex or base64); keep it apart from the "
            "backups, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return raw


def _aead(salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"gongyou backup v1").derive(_backup_key())
    return AESGCM(key)


def _write_stream(out: BinaryIO, manifest: Manifest, payload: BinaryIO) -> None:
    salt, prefix = os.urandom(16), os.urandom(8)
    aead = _aead(salt)
    out.write(MAGIC + salt + prefix)
    index = 0

    def seal(data: bytes, last: bool) -> None:
        nonlocal index
        sealed = aead.encrypt(prefix + struct.pack(">I", index), data, b"last" if last else b"more")
        out.write(struct.pack(">I", len(sealed)) + sealed)
        index += 1

    seal(manifest.to_json(), False)
    chunk = payload.read(CHUNK)
    while True:
        following = payload.read(CHUNK)
        seal(chunk, last=not following)
        if not following:
            return
        chunk = following


def _open_chunk(aead: AESGCM, nonce: bytes, sealed: bytes) -> tuple[bytes, bool] | None:
    for aad, last in ((b"more", False), (b"last", True)):
        try:
            return aead.decrypt(nonce, sealed, aad), last
        except InvalidTag:
            continue
    return None


def _read_stream(source: BinaryIO) -> Iterator[bytes]:
    """Yields the manifest, then each payload chunk; raises BackupError on a wrong key or damage."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("this is not a Gongyou backup file")
    salt, prefix = source.read(16), source.read(8)
    aead = _aead(salt)
    index = 0
    while True:
        head = source.read(4)
        if len(head) < 4:
            raise BackupError("the backup file is cut short: it ends before its last chunk")
        sealed = source.read(struct.unpack(">I", head)[0])
        nonce = prefix + struct.pack(">I", index)
        opened = _open_chunk(aead, nonce, sealed)
        if opened is None:
            if index == 0:
                raise BackupError(
                    "wrong GONGYOU_BACKUP_KEY: this backup was made with another key; nothing was changed"
                )
            raise BackupError(f"the backup file is damaged (chunk {index}); nothing was changed")
        data, last = opened
        index += 1
        yield data
        if last:
            return


# --- manifest ------------------------------------------------------------------------------------


def current_manifest() -> Manifest:
    schema: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        schema.setdefault(app_label, []).append(name)
    rows = {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    return Manifest(timezone.now().isoformat(), connection.vendor, schema, rows)


def unknown_migrations(manifest: Manifest) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in manifest.schema.items() for name in names if (app, name) not in known]


# --- the database --------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: apt-get install postgresql-client (same major version as the server)"
        )
    return path


def _dump(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.close()
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)  # the online backup API: a consistent copy while the server runs
        finally:
            dest.close()
            source.close()
    elif connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            env=_pg_env(),
            check=True,
            capture_output=True,
        )
    else:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def _load(source: Path) -> None:
    if connection.vendor == "sqlite":
        connection.close()
        src = sqlite3.connect(str(source))
        dest = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
    else:
        connection.close()
        result = subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (the database was left as it was): {result.stderr.strip()[-2000:]}")


# --- the two operations --------------------------------------------------------------------------


def make_backup(directory: Path) -> Path:
    _backup_key()  # fail before dumping anything
    directory.mkdir(parents=True, exist_ok=True)
    manifest = current_manifest()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"gongyou-{connection.vendor}-{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        raw = Path(tmp) / "db"
        _dump(raw)
        partial = target.with_suffix(".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, raw.open("rb") as payload:
            _write_stream(out, manifest, payload)
        partial.rename(target)  # a backup file either is complete or does not exist
    return target


def read_manifest(path: Path) -> Manifest:
    with path.open("rb") as source:
        return Manifest.from_json(next(_read_stream(source)))


def restore_backup(path: Path) -> Manifest:
    """Replace the database with the backup's. Every check runs before the database is touched."""
    with path.open("rb") as source, tempfile.TemporaryDirectory() as tmp:
        stream = _read_stream(source)
        manifest = Manifest.from_json(next(stream))
        if manifest.engine != connection.vendor:
            raise BackupError(f"this is a {manifest.engine} backup; the configured database is {connection.vendor}")
        unknown = unknown_migrations(manifest)
        if unknown:
            raise BackupError(
                "the backup is of a newer schema than this code knows ("
                + ", ".join(unknown[:5])
                + "); install the release that made it, then restore. Nothing was changed."
            )
        raw = Path(tmp) / "db"
        with raw.open("wb") as out:
            for chunk in stream:  # every chunk authenticated before anything is loaded
                out.write(chunk)
        _load(raw)
    return manifest
