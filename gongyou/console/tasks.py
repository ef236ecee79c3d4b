"""The console's background jobs: staged roster imports and large Excel exports
(gongyou/core/jobs.py runs them; the pages poll gongyou/console/views/jobs.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from gongyou.console import exports, services
from gongyou.console.models import RosterImport
from gongyou.core import crypto, excel, jobs
from gongyou.core.actors import Actor


@jobs.background(_l("名册导入"))
def run_roster_import(staged_id: int, actor_label: str, actor_user_id: int | None) -> dict[str, int]:
    """Import a started roster chunk by chunk. Each chunk commits with the position it reached, so
    a worker killed mid-import loses at most the chunk it was in (rolled back), and the rerun
    carries on from there: no row is imported twice (and the upsert would not duplicate it)."""
    actor = Actor(label=actor_label, user_id=actor_user_id)
    staged = RosterImport.objects.get(pk=staged_id)
    jobs.progress(staged.position, staged.total)
    file_rows = services.staged_rows(staged) if staged.status == RosterImport.Status.RUNNING else []
    while staged.status == RosterImport.Status.RUNNING:
        staged = services.import_next_chunk(staged, actor=actor, file_rows=file_rows)
        jobs.progress(staged.position, staged.total)
    return {"created": staged.created, "updated": staged.updated, "rejected": len(staged.rejected)}


def _counted(rows: Iterable[Sequence[Any]], total: int) -> Iterator[Sequence[Any]]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % 1000 == 0:
            jobs.progress(done, max(total, done))
    jobs.progress(done, done)


@jobs.background(_l("Excel导出"), max_attempts=2)
def build_export(kind: str, user_id: int, params_enc: str, total: int) -> dict[str, int]:
    """One console list as an Excel file, read with the scope of the staff member who asked for
    it (the filters travel encrypted: a member search may be an ID number)."""
    user = get_user_model().objects.get(pk=user_id)
    params = json.loads(crypto.decrypt(params_enc))
    title, header, rows = exports.BUILDERS[kind](user, params)
    content = excel.workbook_bytes([excel.Sheet(str(title), header, _counted(rows, total))])
    jobs.save_output(f"{title}-{timezone.localdate():%Y%m%d}.xlsx", content)
    return {"bytes": len(content)}
