"""Insight's background jobs: market-registry imports (gongyou/core/jobs.py runs them) and the
nightly rebuild of the coverage snapshots (the schedule in gongyou/core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs, schedule
from gongyou.core.actors import Actor
from gongyou.insight import services, snapshots
from gongyou.insight.models import RegistryImport


@jobs.background(_l("登记信息导入"))
def run_registry_import(record_id: int, actor_label: str, actor_user_id: int | None) -> str:
    """Import a queued registry file chunk by chunk (each chunk commits with its position)."""
    actor = Actor(label=actor_label, user_id=actor_user_id)
    record = RegistryImport.objects.get(pk=record_id)
    jobs.progress(record.position, record.total)
    while record.status != RegistryImport.Status.DONE:
        record = services.import_registry_chunk(record, actor=actor)
        jobs.progress(record.position, record.total)
    return record.summary


@schedule.daily("01:30")
@jobs.background(_l("重建覆盖指标快照"))
def rebuild_snapshots() -> str:
    """The days since the last rebuild through yesterday (incremental; a rerun finds nothing to do).
    The dashboards read these snapshots plus today's changes."""
    run = snapshots.rebuild()
    return "up to date" if run is None else f"built through {run.built_through}"
