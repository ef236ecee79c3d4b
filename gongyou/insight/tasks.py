"""Insight's background jobs: market-registry imports (gongyou/core/jobs.py runs them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from gongyou.core import jobs
from gongyou.core.actors import Actor
from gongyou.insight import services
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
