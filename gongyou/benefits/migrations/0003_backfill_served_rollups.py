"""Fill FirstService and ServedDay from the service events recorded before they existed (the
same rules as benefits.events.record_service_event, in Shanghai days)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations

SHANGHAI = ZoneInfo("Asia/Shanghai")


def backfill(apps: Any, schema_editor: Any) -> None:
    ServiceEvent = apps.get_model("benefits", "ServiceEvent")
    FirstService = apps.get_model("benefits", "FirstService")
    ServedDay = apps.get_model("benefits", "ServedDay")
    if FirstService.objects.exists() or ServedDay.objects.exists():
        return
    first: dict[tuple[int, int, str], Any] = {}
    tallies: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0, 0])
    for person_id, kind, at in ServiceEvent.objects.order_by("at", "id").values_list("person_id", "kind", "at").iterator():
        day = at.astimezone(SHANGHAI).date()
        for k in ("", kind):
            tallies[(day, k)][0] += 1
            if (person_id, day.year, k) not in first:
                first[(person_id, day.year, k)] = at
                tallies[(day, k)][1] += 1
    FirstService.objects.bulk_create(
        [FirstService(person_id=p, year=y, kind=k, first_at=at) for (p, y, k), at in first.items()], batch_size=2000
    )
    ServedDay.objects.bulk_create(
        [ServedDay(day=d, kind=k, events=e, new_people=n) for (d, k), (e, n) in tallies.items()], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [("benefits", "0002_served_rollups")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
