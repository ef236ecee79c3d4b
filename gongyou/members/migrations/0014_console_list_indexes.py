"""Indexes for the console's member list at a city's scale (issue 13 part 7): the list's order, and
a trigram index for the name search (`name__icontains` is `UPPER(name) LIKE UPPER('%…%')`, which
no B-tree serves; a million-row scan per search misses the 300 ms target).

The trigram index is PostgreSQL only (pg_trgm, a trusted extension) and lives outside the model
state, like the audit triggers; on SQLite the search stays a scan of a small table."""

from django.db import migrations, models

TRGM_INDEX = "person_name_upper_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON members_person USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0013_roster_without_fk_constraints'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['applied_at', 'id'], name='membership_applied_order'),
        ),
        migrations.AddIndex(
            model_name='rosterentry',
            index=models.Index(condition=models.Q(('active', False)), fields=['id_hash'], name='roster_left'),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
