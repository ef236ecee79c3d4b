"""Background jobs (gongyou/core/jobs.py) and the schedule (gongyou/core/schedule.py), on the
immediate backend the tests use: retries with back-off, recovery of lost jobs, one job per key
and per schedule slot. The worker processes themselves: test_jobs_worker.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.core import jobs, schedule
from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog, BackgroundJob
from gongyou.core.tests import job_fixtures
from gongyou.core.tests.job_fixtures import flaky

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_fixtures():
    job_fixtures.RUNS.clear()
    job_fixtures.FAILURES.clear()


def test_a_job_runs_and_keeps_its_result():
    job = jobs.enqueue(flaky, "a")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result, job.task_path) == (
        "succeeded",
        1,
        "done a",
        "gongyou.core.tests.job_fixtures.flaky",
    )


def test_a_failing_job_is_retried_with_back_off_then_listed_as_failed(settings):
    settings.GONGYOU_TASK_RETRY_SECONDS = 30
    job_fixtures.FAILURES["b"] = 5
    job = jobs.enqueue(flaky, "b")
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("retrying", 1)
    assert dt.timedelta(seconds=29) < job.run_after - timezone.now() <= dt.timedelta(seconds=30)
    # The error is kept for admins, with personal-data-like numbers masked like every log line.
    assert "RuntimeError: gateway down for b" in job.error and "13912345678" not in job.error
    assert jobs.recover(timezone.now()) == []  # not due yet
    jobs.recover(job.run_after + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("retrying", 2)
    assert dt.timedelta(seconds=119) < job.run_after - timezone.now() <= dt.timedelta(seconds=120)  # × 4
    jobs.recover(job.run_after + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.finished_at is not None) == ("failed", 3, True)
    assert job_fixtures.RUNS == ["b", "b", "b"]
    # An admin sends it again: a fresh set of attempts, audited.
    job_fixtures.FAILURES["b"] = 0
    jobs.retry_job(job, actor=Actor(label="staff:admin", user_id=None))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 1, "done b")
    assert AuditLog.objects.filter(action="job.retry", object_id=str(job.pk)).exists()


def test_a_job_delivered_again_after_it_finished_does_not_run_twice():
    job = jobs.enqueue(flaky, "c")
    flaky.enqueue(job.pk)  # a second delivery of the same job (a recovered job's first worker was only slow)
    assert job_fixtures.RUNS == ["c"]


def test_a_running_job_whose_worker_died_is_given_to_another(settings):
    settings.GONGYOU_TASK_LEASE_SECONDS = 60
    now = timezone.now()
    job = BackgroundJob.objects.create(
        task_path=flaky.module_path,
        args=["d"],
        status="running",
        attempts=1,
        heartbeat_at=now - dt.timedelta(seconds=30),
    )
    assert jobs.recover(now) == []  # its worker may still be alive
    assert jobs.recover(now + dt.timedelta(seconds=31)) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, "done d")


def test_one_job_per_key():
    first = jobs.enqueue(flaky, "e", key="import:1")
    second = jobs.enqueue(flaky, "e", key="import:1")
    assert first.pk == second.pk and job_fixtures.RUNS == ["e"]


def test_schedule_slots_are_local_times():
    local = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 7, 30))
    daily = schedule.Entry(flaky, at=dt.time(2, 15))
    assert daily.slot(local) == timezone.make_aware(dt.datetime(2026, 12, 1, 2, 15))
    assert daily.slot(local.replace(hour=1)) == timezone.make_aware(dt.datetime(2026, 11, 30, 2, 15))
    every = schedule.Entry(flaky, interval=dt.timedelta(minutes=5))
    assert every.slot(local) == timezone.make_aware(dt.datetime(2026, 12, 1, 10, 5))
    with pytest.raises(ValueError):
        schedule.every(minutes=7)


def test_each_schedule_slot_starts_once_however_many_schedulers_tick(monkeypatch):
    monkeypatch.setattr(schedule, "ENTRIES", {})
    monkeypatch.setattr(schedule, "autodiscover_modules", lambda name: None)
    schedule.daily("02:15")(flaky)
    now = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0))
    assert schedule.tick(now) == [flaky.module_path]
    assert schedule.tick(now + dt.timedelta(minutes=1)) == []
    assert schedule.tick(now + dt.timedelta(days=1)) == [flaky.module_path]
    keys = sorted(BackgroundJob.objects.values_list("key", flat=True))
    assert keys == [f"schedule:{flaky.module_path}:2026-12-01T02:15", f"schedule:{flaky.module_path}:2026-12-02T02:15"]


def test_the_product_schedule_lists_the_cron_work():
    names = set(schedule.discover())
    assert {
        "gongyou.members.tasks.auto_accept_transfers",
        "gongyou.members.tasks.process_outbox",
        "gongyou.benefits.tasks.appointment_reminders",
        "gongyou.funds.tasks.dues_reminders",
        "gongyou.funds.tasks.lapse_dues",
        "gongyou.portal.tasks.purge_sms_codes",
        "gongyou.core.tasks.purge_finished_jobs",
        "gongyou.cases.tasks.escalate_cases",
        "gongyou.insight.tasks.rebuild_snapshots",
        "gongyou.positions.tasks.count_workers",
    } <= names
