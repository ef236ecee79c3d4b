"""Fill Membership.dues_paid_until (members 0015) from the dues payments recorded so far: the
latest day each membership has paid for. From now on funds.dues.record_dues_payment keeps it."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    Membership = apps.get_model("members", "Membership")
    DuesPayment = apps.get_model("funds", "DuesPayment")
    latest = (
        DuesPayment.objects.filter(membership=OuterRef("pk"))
        .order_by()
        .values("membership")
        .annotate(m=Max("covers_until"))
        .values("m")
    )
    Membership.objects.filter(dues_payments__isnull=False).distinct().update(dues_paid_until=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0002_transactions_append_only_trigger"),
        ("members", "0015_dues_paid_until"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
