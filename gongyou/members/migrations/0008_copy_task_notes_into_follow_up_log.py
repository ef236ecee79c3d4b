"""Keep what officers wrote in the old single notes field: each non-empty one becomes the first
entry of its task's follow-up log, before the field is dropped (0009). Who wrote it and when
were never recorded, so the entry is filed under the system at migration time."""

from django.db import migrations


def copy_notes(apps, schema_editor):
    FoundingTask = apps.get_model("members", "FoundingTask")
    FoundingTaskNote = apps.get_model("members", "FoundingTaskNote")
    FoundingTaskNote.objects.bulk_create(
        FoundingTaskNote(task_id=pk, author_label="system", text=notes.strip())
        for pk, notes in FoundingTask.objects.exclude(notes="").values_list("pk", "notes")
        if notes.strip()
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0007_founding_task_follow_up_log")]

    operations = [migrations.RunPython(copy_notes, migrations.RunPython.noop)]
