import pytest
from django.db import DatabaseError, connection, transaction

from gongyou.core import crypto
from gongyou.core.actors import COMMAND
from gongyou.core.audit import record
from gongyou.core.db import audit_purge_allowed
from gongyou.core.models import AuditLog


def test_encryption_round_trip_and_randomised():
    a, b = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert a != b  # random nonce: equal plaintexts do not give equal ciphertexts
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13812345678"
    assert "13812345678" not in a


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt("secret")
    raw = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):
        crypto.decrypt(raw)


def test_keyed_hash_is_deterministic_and_separates_kinds(settings):
    assert crypto.id_hash("X") == crypto.id_hash("X")
    assert crypto.id_hash("13812345678") != crypto.phone_hash("13812345678")
    before = crypto.phone_hash("13812345678")
    settings.GONGYOU_DATA_KEY = "another-key"
    assert crypto.phone_hash("13812345678") != before


def test_masks():
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_id_number("34012319870413000X") == "340***********000X"


def test_audit_rows_cannot_be_changed_or_deleted(world):
    row = record(COMMAND, "test.write", world.city, after={"a": 1})
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()


def test_database_refuses_audit_update_even_in_raw_sql(world):
    row = record(COMMAND, "test.write", world.city)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET reason = 'rewritten' WHERE id = %s", [row.pk])
    assert AuditLog.objects.get(pk=row.pk).reason == ""


def test_database_refuses_audit_delete_even_in_raw_sql_on_every_backend(world):
    # Probe: on SQLite the audit log refused UPDATE only; a raw DELETE erased history.
    row = record(COMMAND, "test.write", world.city)
    with audit_purge_allowed(False), pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [row.pk])
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_entries_about_enterprises_and_stations_are_filed_under_their_street_federation(world):
    from gongyou.core.services import create_station

    station = create_station(
        code="ST-AUD", name="审计站", enterprise=world.no_union_enterprise, street=world.other_street, actor=COMMAND
    )
    row = AuditLog.objects.get(action="station.create", object_id=str(station.pk))
    assert row.org == world.other_street_fed
    row = AuditLog.objects.filter(action="enterprise.create", object_id=str(world.platform.pk)).get()
    assert row.org == world.street_fed


def test_mask_name():
    assert crypto.mask_name("张三") == "张*"
    assert crypto.mask_name("欧阳娜娜") == "欧***"
    assert crypto.mask_name("王") == "王*"
