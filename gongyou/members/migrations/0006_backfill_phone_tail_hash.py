"""Fill Person.phone_tail_hash for the people who joined before it existed.

Done here rather than in a management command so no deployment can forget it: the last four
digits are already in the clear in `phone_masked` ("138****1234", the display copy), so nothing
has to be decrypted, and the HMAC key is read from settings by core.crypto exactly as at run time
(the key is mandatory at start-up, so it is there when `migrate` runs)."""

from django.db import migrations

from gongyou.core import crypto

BATCH = 2000


def backfill(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    pending = Person.objects.filter(phone_tail_hash="").exclude(phone_masked="").only("pk", "phone_masked").order_by("pk")
    last = 0
    # Keyset batches rather than one open cursor: writing while a cursor streams is not safe everywhere.
    while batch := list(pending.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        for person in batch:
            tail = person.phone_masked[-4:]
            person.phone_tail_hash = crypto.phone_tail_hash(tail) if len(tail) == 4 and tail.isdigit() else ""
        Person.objects.bulk_update(batch, ["phone_tail_hash"])


class Migration(migrations.Migration):
    dependencies = [("members", "0005_person_phone_tail_hash")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
