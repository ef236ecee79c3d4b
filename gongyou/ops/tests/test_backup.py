"""backup → wipe → restore (issue 13 part 3), on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Person
from gongyou.members.services import join
from gongyou.ops import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def members(world):
    for seq in range(1, 6):
        join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker())
    return {p.pk: (crypto.decrypt(p.id_enc), crypto.decrypt(p.phone_enc), p.id_hash) for p in Person.objects.all()}


def make_backup(directory: Path) -> Path:
    out = io.StringIO()
    call_command("backup", str(directory), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def test_backup_wipe_restore_gives_the_same_rows_and_values(members, tmp_path):
    counts = backup.current_manifest().rows
    path = make_backup(tmp_path)
    assert path.is_file() and path.suffix == ".gybak"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    # Encrypted at rest: neither the masked values nor the table names can be read in the file.
    raw = path.read_bytes()
    some = Person.objects.first()
    assert some.id_masked.encode() not in raw and b"members_person" not in raw
    manifest = backup.read_manifest(path)
    assert manifest.rows == counts and manifest.rows["members.person"] == 5
    assert "0001_people_memberships_transfers_rosters" in manifest.schema["members"]

    call_command("flush", interactive=False)  # the wipe
    assert Person.objects.count() == 0

    call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert backup.current_manifest().rows == counts
    restored = {p.pk: (crypto.decrypt(p.id_enc), crypto.decrypt(p.phone_enc), p.id_hash) for p in Person.objects.all()}
    assert restored == members


def test_a_wrong_key_is_refused_and_changes_nothing(members, tmp_path, settings):
    path = make_backup(tmp_path)
    Person.objects.filter(pk=min(members)).update(name="改过的名字")
    settings.GONGYOU_BACKUP_KEY = secrets.token_urlsafe(32)
    with pytest.raises(CommandError, match="wrong GONGYOU_BACKUP_KEY"):
        call_command("restore", str(path), "--yes")
    assert Person.objects.get(pk=min(members)).name == "改过的名字"


def test_a_backup_of_a_newer_schema_is_refused_and_changes_nothing(members, tmp_path):
    real = backup.current_manifest

    def from_the_future():
        manifest = real()
        return backup.Manifest(
            manifest.created_at,
            manifest.engine,
            {**manifest.schema, "members": [*manifest.schema["members"], "0999_future"]},
            manifest.rows,
        )

    with mock.patch.object(backup, "current_manifest", from_the_future):
        path = make_backup(tmp_path)
    Person.objects.filter(pk=min(members)).update(name="改过的名字")
    with pytest.raises(CommandError, match=r"newer schema.*members\.0999_future"):
        call_command("restore", str(path), "--yes")
    assert Person.objects.get(pk=min(members)).name == "改过的名字"


def test_a_damaged_or_truncated_file_is_refused_and_changes_nothing(members, tmp_path):
    path = make_backup(tmp_path)
    Person.objects.filter(pk=min(members)).update(name="改过的名字")
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(path), "--yes")
    path.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(CommandError, match="damaged|cut short"):
        call_command("restore", str(path), "--yes")
    assert Person.objects.get(pk=min(members)).name == "改过的名字"


def test_without_yes_it_asks_and_a_no_changes_nothing(members, tmp_path):
    path = make_backup(tmp_path)
    Person.objects.filter(pk=min(members)).update(name="改过的名字")
    out = io.StringIO()
    with mock.patch("builtins.input", return_value="no"), pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(path), stdout=out)
    assert "Stop the web servers" in out.getvalue()
    assert Person.objects.get(pk=min(members)).name == "改过的名字"


def test_backup_without_a_key_says_how_to_make_one(db, tmp_path, settings):
    settings.GONGYOU_BACKUP_KEY = None
    with pytest.raises(CommandError, match="GONGYOU_BACKUP_KEY must be set"):
        call_command("backup", str(tmp_path))
    assert os.listdir(tmp_path) == []
