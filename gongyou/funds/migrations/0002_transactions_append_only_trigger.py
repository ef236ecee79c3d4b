"""Posted transactions refuse UPDATE and DELETE in the database itself, like the audit log
(core 0002 and 0005): not even raw SQL can rewrite the ledger. On SQLite the DELETE trigger asks
gongyou_audit_purge_allowed() (gongyou.core.db), which answers 1 only while the test suite
flushes tables; PostgreSQL's TRUNCATE fires no row trigger."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION funds_transaction_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'posted transactions are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funds_transaction_no_change BEFORE UPDATE OR DELETE ON funds_transaction
  FOR EACH ROW EXECUTE FUNCTION funds_transaction_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS funds_transaction_no_change ON funds_transaction;
DROP FUNCTION IF EXISTS funds_transaction_append_only();
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER funds_transaction_no_update BEFORE UPDATE ON funds_transaction "
    "BEGIN SELECT RAISE(ABORT, 'posted transactions are never changed'); END;",
    "CREATE TRIGGER funds_transaction_no_delete BEFORE DELETE ON funds_transaction "
    "WHEN gongyou_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'posted transactions are never deleted'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS funds_transaction_no_update;",
    "DROP TRIGGER IF EXISTS funds_transaction_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_ledger_programmes_dues")]
    operations = [migrations.RunPython(forward, reverse)]
