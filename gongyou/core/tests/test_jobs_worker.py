"""Real worker processes (issue 13 part 2): a worker killed in the middle of a roster import loses
nothing — the job is recovered, a second worker finishes it, and the roster has each row once; an
RQ worker on Redis runs a job when Redis answers on 127.0.0.1:6379."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from gongyou.console import services
from gongyou.console.models import RosterImport
from gongyou.console.roster_io import COLUMNS
from gongyou.console.tests.test_roster import good
from gongyou.core import jobs
from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog, BackgroundJob
from gongyou.members.models import RosterEntry

ROOT = Path(settings.BASE_DIR)
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ROWS = 120


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(*extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "GONGYOU_TASK_BACKEND": "db",
        # Five rows a chunk: the import commits many times, so the kill lands between two commits.
        "GONGYOU_ROSTER_BATCH_MAX": "5",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    command = [sys.executable, "manage.py", "run_worker", "--no-schedule", "--interval=0.1", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _roster_file() -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for seq in range(1, ROWS + 1):
        book.active.append(good(seq))
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_loses_nothing_and_duplicates_nothing(world, personas, settings):
    settings.TASKS = DB_BACKEND
    user = personas["street"]
    actor = Actor.staff(user)
    staged = services.stage_roster_import(
        _roster_file(), filename="名册.xlsx", user=user, actor=actor, enterprise=world.agent
    )
    services.start_roster_import(staged, world.agent, actor=actor)
    job = BackgroundJob.objects.get(key=services.roster_job_key(staged))
    assert job.status == "queued" and job.backend_id  # in the database queue, waiting for a worker

    first = _worker()
    try:
        deadline = time.monotonic() + 120
        while RosterImport.objects.get(pk=staged.pk).position < 20:
            assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
            assert time.monotonic() < deadline, "the worker never started the import"
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the machine died
        first.wait(30)
    killed_at = RosterImport.objects.get(pk=staged.pk)
    assert killed_at.status == "running" and 20 <= killed_at.position < ROWS
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)

    # The schedule notices the silent job once its lease is over and queues it again.
    later = timezone.now() + dt.timedelta(seconds=settings.GONGYOU_TASK_LEASE_SECONDS + 1)
    assert jobs.recover(later) == [job.pk]
    second = _worker("--batch")
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()

    staged.refresh_from_db()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done, job.total) == ("succeeded", 2, ROWS, ROWS)
    # The same result as an uninterrupted import: every row once, counted once, finished once.
    assert (staged.status, staged.position, staged.created, staged.rejected) == ("done", ROWS, ROWS, [])
    entries = RosterEntry.objects.filter(enterprise=world.agent)
    assert entries.count() == ROWS
    assert entries.values("external_id").distinct().count() == ROWS
    assert AuditLog.objects.filter(action="roster_import.finish", object_id=str(staged.pk)).count() == 1


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(settings.RQ_QUEUES["default"]["URL"], socket_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_an_rq_worker_on_redis_runs_the_job_and_schedules_its_retry(db, settings, django_capture_on_commit_callbacks):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    from gongyou.core.tests import job_fixtures
    from gongyou.core.tests.job_fixtures import flaky

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    job_fixtures.FAILURES["rq-fails"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        ok = jobs.enqueue(flaky, "rq-ok")
        failing = jobs.enqueue(flaky, "rq-fails")
    # A worker in this process (SimpleWorker: no fork), so it sees the test's transaction.
    with django_capture_on_commit_callbacks(execute=True):
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    ok.refresh_from_db()
    failing.refresh_from_db()
    assert (ok.status, ok.result) == ("succeeded", "done rq-ok")
    assert (failing.status, failing.attempts) == ("retrying", 1)
    # The retry waits in Redis for its back-off (the worker's scheduler moves it when due).
    assert failing.backend_id in ScheduledJobRegistry(queue=queue).get_job_ids()
    queue.empty()
    ScheduledJobRegistry(queue=queue).remove(failing.backend_id)


@pytest.mark.parametrize("backend", ["db", "rq"])
def test_the_schedule_runs_in_a_thread_beside_the_db_worker_and_in_its_own_process_beside_rq(
    backend, settings, monkeypatch
):
    """RQ forks a process per job; a schedule thread in the forking process could hold a lock at
    that moment and leave the job's process stuck on it, so beside RQ the schedule is a process
    (stopped with the worker)."""
    import threading

    from django.core.management import call_command as real_call_command

    from gongyou.core.management.commands import run_worker

    settings.GONGYOU_TASK_BACKEND = backend
    seen: dict[str, object] = {}

    class FakeProcess:
        def __init__(self, args):
            seen["process"] = args
            seen["terminated"] = False

        def terminate(self):
            seen["terminated"] = True

        def wait(self, timeout=None):
            return 0

    def fake_call_command(name, *args, **kwargs):
        if name in ("db_worker", "rqworker"):
            seen["worker"] = name
            seen["threads"] = [t.name for t in threading.enumerate() if t not in before]
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(run_worker.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(run_worker, "call_command", fake_call_command)
    monkeypatch.setattr(run_worker, "loop", lambda stop, interval: stop.wait())
    before = set(threading.enumerate())
    real_call_command("run_worker")
    if backend == "db":
        assert seen["worker"] == "db_worker" and "schedule" in seen["threads"] and "process" not in seen
    else:
        assert seen["worker"] == "rqworker" and "schedule" not in seen["threads"]
        assert seen["process"][-1] == "run_schedule" and str(seen["process"][1]).endswith("manage.py")
        assert seen["terminated"] is True
