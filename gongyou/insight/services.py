"""Loading registry uploads, and acting on the gap list: founding tasks for selected enterprises."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit, jobs
from gongyou.core.access import AnyUser, staff_profile
from gongyou.core.actors import Actor
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Enterprise, Org, Region
from gongyou.insight.gaps import founding_federation
from gongyou.insight.indicators import INDICATORS
from gongyou.insight.models import RegistryImport, Target
from gongyou.insight.registry import duplicate_rows, import_extract, read_extract
from gongyou.members.models import FoundingTask
from gongyou.members.services import open_founding_task


@dataclass
class OpenedTasks:
    opened: list[FoundingTask] = field(default_factory=list)
    already_open: list[FoundingTask] = field(default_factory=list)
    # Enterprises whose street and district have no federation to assign the task to.
    unassigned: list[Enterprise] = field(default_factory=list)


@transaction.atomic
def open_founding_tasks(enterprises: list[Enterprise], *, actor: Actor) -> OpenedTasks:
    """One founding task per selected enterprise, assigned to its street federation, or to its
    district federation where the street is unknown (seed §三(一): 排查建会盲区和空白点，推动
    建会). Selecting an enterprise that already has an open task opens no second one."""
    result = OpenedTasks()
    for enterprise in enterprises:
        federation = founding_federation(enterprise)
        if federation is None:
            result.unassigned.append(enterprise)
            continue
        task, created = open_founding_task(enterprise, federation=federation, actor=actor)
        (result.opened if created else result.already_open).append(task)
    return result


CHUNK_ROWS = 500


def import_registry_file(data: bytes, filename: str, *, user: AnyUser, actor: Actor) -> RegistryImport:
    """Read an uploaded registry extract (see insight.registry) and queue its import: a worker
    loads it in chunks (insight.tasks.run_registry_import) while the page shows the progress. A
    file that is no extract at all raises ValidationError here and records nothing."""
    if user.pk is None:
        raise ValueError("a registry import needs a signed-in user")
    extract = read_extract(data, filename)
    with transaction.atomic():
        record = RegistryImport.objects.create(
            created_by_id=user.pk,
            filename=filename[:200],
            status=RegistryImport.Status.QUEUED,
            rows=[[number, values] for number, values in extract.rows],
            duplicates=duplicate_rows(extract.rows),
            total=len(extract.rows),
        )
        from gongyou.insight.tasks import run_registry_import

        jobs.enqueue(run_registry_import, record.pk, actor.label, actor.user_id, user=user, key=registry_job_key(record))
    return record


def registry_job_key(record: RegistryImport) -> str:
    return f"registry_import:{record.pk}"


@transaction.atomic
def import_registry_chunk(record: RegistryImport, *, actor: Actor) -> RegistryImport:
    """Import the next CHUNK_ROWS rows and record how far the import got, in one transaction: a
    worker killed mid-chunk leaves the chunk undone, and the rerun does it (upserts by USCC)."""
    locked = RegistryImport.objects.select_for_update().get(pk=record.pk)
    if locked.status == RegistryImport.Status.DONE:
        return locked
    chunk = [(int(number), values) for number, values in locked.rows[locked.position : locked.position + CHUNK_ROWS]]
    result = import_extract(chunk, actor=actor, duplicates=locked.duplicates)
    locked.created += result.counts["created"]
    locked.updated += result.counts["updated"]
    locked.unchanged += result.counts["unchanged"]
    locked.rejected = [*locked.rejected, *result.rejected]
    locked.position += len(chunk)
    locked.status = RegistryImport.Status.RUNNING
    if locked.position >= locked.total:
        locked.status, locked.finished_at, locked.rows = RegistryImport.Status.DONE, timezone.now(), []
        profile = staff_profile(locked.created_by)
        audit.record(
            actor,
            "registry.import",
            locked,
            after={"file": locked.filename, "summary": locked.summary},
            org=profile.org if profile is not None else None,
        )
    locked.save()
    return locked
TARGET_MAX = 10**9
PERIODS = range(2020, 2101)


@transaction.atomic
def set_target(region: Region, indicator: str, period: int, value: int, *, set_by: Org, actor: Actor) -> Target:
    """Set (or change) the target of one indicator for one district or street and one year:
    the city federation sets its districts', a district federation its streets' (seed §三(一):
    纳入地区党建考核). The caller has checked the region is theirs (insight.access.target_regions).
    The same value again changes nothing and writes no audit row."""
    errors = FieldErrors()
    if indicator not in INDICATORS or not INDICATORS[indicator].targetable:
        errors.add_code("indicator", _("不能为这个指标设定目标"), "invalid_choice")
    if period not in PERIODS:
        errors.add_code("period", _("年度应在2020到2100之间"), "invalid")
    if not 0 <= value <= TARGET_MAX:
        errors.add_code("value", _("目标值应为0到10亿之间的整数"), "invalid")
    errors.raise_if_any()
    target = Target.objects.select_for_update().filter(indicator=indicator, period=period, region=region).first()
    before = {"value": target.value} if target is not None else None
    if target is not None and target.value == value:
        return target
    if target is None:
        target = Target.objects.create(indicator=indicator, period=period, region=region, value=value, set_by=set_by)
    else:
        target.value, target.set_by = value, set_by
        target.save(update_fields=["value", "set_by", "updated_at"])
    audit.record(
        actor,
        "target.set",
        target,
        before=before,
        after={"indicator": indicator, "period": period, "region": region.code, "value": value},
        org=set_by,
    )
    return target


@transaction.atomic
def set_targets(values: list[tuple[Region, str, int]], period: int, *, set_by: Org, actor: Actor) -> int:
    """Several targets at once (the console's target grid), all or none; returns how many changed."""
    changed = 0
    for region, indicator, value in values:
        before = (
            Target.objects.filter(indicator=indicator, period=period, region=region)
            .values_list("value", flat=True)
            .first()
        )
        set_target(region, indicator, period, value, set_by=set_by, actor=actor)
        changed += before != value
    return changed
