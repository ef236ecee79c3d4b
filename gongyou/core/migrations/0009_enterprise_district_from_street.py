from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_district(apps, schema_editor):
    Enterprise = apps.get_model("core", "Enterprise")
    Region = apps.get_model("core", "Region")
    parent = Region.objects.filter(pk=OuterRef("street_id")).values("parent_id")[:1]
    Enterprise.objects.filter(district__isnull=True, street__isnull=False).update(district_id=Subquery(parent))


class Migration(migrations.Migration):
    dependencies = [("core", "0008_enterprise_registry_fields")]

    operations = [migrations.RunPython(fill_district, migrations.RunPython.noop)]
