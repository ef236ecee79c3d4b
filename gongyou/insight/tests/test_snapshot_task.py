"""The nightly snapshot rebuild runs as a scheduled background job and is incremental."""

from __future__ import annotations

import pytest

from gongyou.core import jobs, schedule
from gongyou.core.job_models import BackgroundJob
from gongyou.insight.models import SnapshotRun
from gongyou.insight.tasks import rebuild_snapshots

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_scheduled_rebuild_builds_through_yesterday_then_finds_nothing_to_do(world):
    assert "gongyou.insight.tasks.rebuild_snapshots" in schedule.discover()
    first = jobs.enqueue(rebuild_snapshots)
    first.refresh_from_db()
    assert first.status == BackgroundJob.Status.SUCCEEDED and first.result.startswith("built through")
    assert SnapshotRun.objects.count() == 1
    again = jobs.enqueue(rebuild_snapshots)
    again.refresh_from_db()
    assert again.result == "up to date" and SnapshotRun.objects.count() == 1
