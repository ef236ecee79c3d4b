"""On PostgreSQL the audit log refuses UPDATE and DELETE in the database itself, so not even a
raw SQL mistake can rewrite history. SQLite (the laptop demo) refuses UPDATE only: the test
runner empties tables with DELETE between transactional tests there, and PostgreSQL's TRUNCATE
does not fire row triggers."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog
  FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_append_only();
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update;",
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
    dependencies = [("core", "0001_regions_orgs_enterprises_staff_audit")]
    operations = [migrations.RunPython(forward, reverse)]
