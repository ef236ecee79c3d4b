"""SQLite now refuses DELETE on the audit log too (0002 refused UPDATE only). The trigger asks
the connection function gongyou_audit_purge_allowed(), registered by gongyou.core.db: it answers
0 in the product and 1 only while the test suite runs (Django flushes tables between
transactional tests with DELETE on SQLite). A connection without the function (the sqlite3 shell)
gets "no such function" — also a refusal."""

from django.db import migrations

SQLITE_FORWARD = (
    "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog "
    "WHEN gongyou_audit_purge_allowed() IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
)
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS core_auditlog_no_delete;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_data_key_fingerprint")]
    operations = [migrations.RunPython(forward, reverse)]
