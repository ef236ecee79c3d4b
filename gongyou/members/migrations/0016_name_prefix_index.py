"""A B-tree on UPPER(name) for the console's short name searches (issue 13 part 7): a name of one or
two characters has no trigram, so the trigram index of 0014 cannot serve it and the search
scanned every person (1.7 s at a million). A query that short is matched at the start of the name
(console.filters.MemberFilter.search), which this index serves (`text_pattern_ops`: LIKE 'X%' as a
range, whatever the collation). PostgreSQL only, outside the model state like 0014's index."""

from django.db import migrations

PREFIX_INDEX = "person_name_upper_prefix"


def create_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PREFIX_INDEX} ON members_person ((UPPER(name::text)) text_pattern_ops)"
    )


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PREFIX_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0015_dues_paid_until'),
    ]

    operations = [
        migrations.RunPython(create_prefix_index, drop_prefix_index),
    ]
