"""Background jobs on Django's task API (the django-tasks backport; on Django 6 the same names
come from `django.tasks`): the one way every app runs work outside a request.

    @jobs.background()
    def run_roster_import(staged_id: int) -> dict: ...

    jobs.enqueue(run_roster_import, staged.pk, user=request.user, key=f"roster_import:{staged.pk}")

`enqueue` writes a BackgroundJob row (core/job_models.py) in the caller's transaction and hands
only its id to the queue once that transaction commits, so a worker never sees a job that was
rolled back. The worker side (`_run`) claims the row, runs the function, and records the outcome:

- A failure is retried with back-off (GONGYOU_TASK_RETRY_SECONDS × 4ⁿ) up to
  GONGYOU_TASK_MAX_ATTEMPTS, then the job is FAILED and listed for admins (console 后台任务).
- A worker killed mid-job leaves the row RUNNING with a stale heartbeat; `recover` (run by the
  schedule every minute) gives it to another worker. Job functions are therefore written to be
  rerun: they commit their work in steps that each record how far they got (the roster import's
  chunks), or they are upserts.
- The same job delivered twice (a recovered job whose first worker was only slow) runs once: a
  finished job is not run again, a running one with a fresh heartbeat is left alone.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks.utils import normalize_json

from gongyou.core import audit
from gongyou.core.actors import Actor
from gongyou.core.job_models import BackgroundJob
from gongyou.core.logmask import mask
from gongyou.core.models import Org

logger = logging.getLogger(__name__)

Status = BackgroundJob.Status
# The job the current thread is running, for progress() and heartbeat().
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("gongyou_job", default=None)
# A queue that lost a job (Redis restarted without persistence, a crash between commit and send)
# is noticed when a queued job has no delivery id this long after it was created.
UNSENT_GRACE = dt.timedelta(minutes=2)


def background(
    label: Any = "", *, max_attempts: int | None = None, priority: int = 0
) -> Callable[[Callable[..., Any]], Task[..., Any]]:
    """Make a module-level function a background task. It receives the positional arguments given
    to `enqueue` (JSON values) and may return a JSON value, kept as the job's result. `label`
    (gettext_lazy) names it for the console's job list."""

    def decorate(func: Callable[..., Any]) -> Task[..., Any]:
        @functools.wraps(func)
        def runner(job_id: int) -> Any:
            return _run(job_id, func, max_attempts)

        runner.gongyou_max_attempts = max_attempts  # type: ignore[attr-defined]
        runner.gongyou_label = label  # type: ignore[attr-defined]
        return task(priority=priority)(runner)

    return decorate


def label_of(task_path: str) -> str:
    """The job's name for people: its label, else the function's name."""
    try:
        found = import_string(task_path)
    except ImportError:
        return task_path.rsplit(".", 1)[-1]
    label = getattr(getattr(found, "func", None), "gongyou_label", "")
    return str(label) if label else task_path.rsplit(".", 1)[-1]


def _max_attempts(job_task: Task[..., Any]) -> int:
    return getattr(job_task.func, "gongyou_max_attempts", None) or settings.GONGYOU_TASK_MAX_ATTEMPTS


def enqueue(job_task: Task[..., Any], *args: Any, user: Any = None, key: str | None = None) -> BackgroundJob:
    """Queue `job_task(*args)`. With a key, at most one job ever exists for it: enqueueing the same
    key again returns the existing job and queues nothing."""
    if key is not None:
        existing = BackgroundJob.objects.filter(key=key).first()
        if existing is not None:
            return existing
    job = BackgroundJob.objects.create(
        task_path=job_task.module_path,
        args=normalize_json(list(args)),
        key=key,
        created_by=user if getattr(user, "pk", None) else None,
        max_attempts=_max_attempts(job_task),
    )
    _send(job, job_task)
    return job


def _send(job: BackgroundJob, job_task: Task[..., Any] | None = None) -> None:
    """Hand the job to the queue: at once for the immediate backend (it runs the job here and now,
    inside the caller's transaction), after the commit for a real queue."""
    job_task = job_task or _task_of(job)
    backend = job_task.get_backend()
    run_after = job.run_after if job.run_after and job.run_after > timezone.now() else None

    def send() -> None:
        delivered = (job_task.using(run_after=run_after) if run_after and backend.supports_defer else job_task).enqueue(
            job.pk
        )
        BackgroundJob.objects.filter(pk=job.pk).update(backend_id=str(delivered.id)[:64])

    if isinstance(backend, ImmediateBackend):
        if run_after is None:
            send()
        return  # a retry waits for recover() to find it due
    transaction.on_commit(send)


def _task_of(job: BackgroundJob) -> Task[..., Any]:
    found = import_string(job.task_path)
    if not isinstance(found, Task):
        raise TypeError(f"{job.task_path} is not a task")
    return found


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.GONGYOU_TASK_LEASE_SECONDS)


def _claim(job_id: int) -> BackgroundJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        if job.status == Status.RUNNING and job.heartbeat_at and job.heartbeat_at > now - _lease():
            return None  # another worker has it and is alive
        job.status = Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.run_after = None
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "run_after"])
    return job


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: 30 s, 2 min, 8 min, 32 min…"""
    return dt.timedelta(seconds=settings.GONGYOU_TASK_RETRY_SECONDS * 4 ** max(attempts - 1, 0))


def _run(job_id: int, func: Callable[..., Any], max_attempts: int | None) -> Any:
    job = _claim(job_id)
    if job is None:
        return None
    token = _current.set(job.pk)
    try:
        if connection.in_atomic_block:
            # The immediate backend, inside the enqueuing request: a failure must not break it.
            with transaction.atomic():
                value = func(*job.args)
        else:
            value = func(*job.args)
        value = normalize_json(value)
    except Exception as exc:
        final = _record_failure(job, exc)
        if final:
            raise
        return None
    finally:
        _current.reset(token)
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=Status.SUCCEEDED, result=value, finished_at=timezone.now(), heartbeat_at=timezone.now(), error=""
    )
    return value


def _record_failure(job: BackgroundJob, exc: BaseException) -> bool:
    """Keep the error and queue the next attempt after the back-off; True when this was the last."""
    error = mask("".join(traceback.format_exception(exc)))[-8000:]
    now = timezone.now()
    final = job.attempts >= job.max_attempts
    if final:
        logger.error("Job %s (%s) failed for good after %d attempts", job.pk, job.task_path, job.attempts)
        BackgroundJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=error, finished_at=now, run_after=None)
        return True
    job.run_after = now + backoff(job.attempts)
    logger.warning("Job %s (%s) failed, attempt %d; next at %s", job.pk, job.task_path, job.attempts, job.run_after)
    BackgroundJob.objects.filter(pk=job.pk).update(status=Status.RETRYING, error=error, run_after=job.run_after)
    _send(job)
    return False


def current_job_id() -> int | None:
    return _current.get()


def progress(done: int, total: int) -> None:
    """Report progress from inside a job (and prove the worker alive)."""
    job_id = _current.get()
    if job_id is not None:
        BackgroundJob.objects.filter(pk=job_id).update(done=done, total=total, heartbeat_at=timezone.now())


def heartbeat() -> None:
    job_id = _current.get()
    if job_id is not None:
        BackgroundJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())


def save_output(name: str, content: bytes) -> None:
    """Attach a file (an export) to the current job, for its creator to download."""
    job_id = _current.get()
    if job_id is not None:
        BackgroundJob.objects.filter(pk=job_id).update(output_name=name[:200], output=content)


def recover(now: dt.datetime | None = None) -> list[int]:
    """Give lost jobs to the queue again: running ones whose worker stopped reporting (killed,
    machine gone), queued ones the queue never received, and retries that are due where the
    backend cannot defer. Returns the ids sent. Safe to run from any number of processes."""
    now = now or timezone.now()
    sent: list[int] = []
    stale = BackgroundJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=now - _lease())
    unsent = BackgroundJob.objects.filter(status=Status.QUEUED, backend_id="", created_at__lt=now - UNSENT_GRACE)
    due = BackgroundJob.objects.filter(status=Status.RETRYING, run_after__lte=now)
    inline = isinstance(task_backends["default"], ImmediateBackend)
    for job in [*stale, *unsent, *(due if inline else due.filter(Q(backend_id="") | Q(run_after__lte=now - _lease())))]:
        with transaction.atomic():
            locked = BackgroundJob.objects.select_for_update().get(pk=job.pk)
            if locked.status == Status.RUNNING:
                if locked.heartbeat_at and locked.heartbeat_at >= now - _lease():
                    continue
                if locked.attempts >= locked.max_attempts:
                    locked.status, locked.finished_at = Status.FAILED, now
                    locked.error = (locked.error + "\nworker lost (no heartbeat within the lease)").strip()
                    locked.save(update_fields=["status", "finished_at", "error"])
                    continue
                locked.status = Status.QUEUED
                locked.save(update_fields=["status"])
            logger.warning("Job %s (%s) sent to the queue again", locked.pk, locked.task_path)
            locked.run_after = None
            _send(locked)
            sent.append(locked.pk)
    return sent


@transaction.atomic
def retry_job(job: BackgroundJob, *, actor: Actor) -> BackgroundJob:
    """An admin sends a failed job again: a fresh set of attempts, now."""
    locked = BackgroundJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != Status.FAILED:
        return locked
    locked.status, locked.attempts, locked.run_after, locked.finished_at = Status.QUEUED, 0, None, None
    locked.save(update_fields=["status", "attempts", "run_after", "finished_at"])
    audit.record(actor, "job.retry", locked, after={"task": locked.task_path}, org=_job_org(locked))
    _send(locked)
    return locked


def _job_org(job: BackgroundJob) -> Org | None:
    """Whose admins oversee a job (core.access.jobs_for), so its audit rows are filed there: the
    org of the staff member who started it, else (the schedule's work) the city federation."""
    if job.created_by_id is not None:
        org = Org.objects.filter(staff__user_id=job.created_by_id).first()
        if org is not None:
            return org
    return audit.place_federation(None)


def purge_finished(before: dt.datetime) -> int:
    """Drop finished jobs (and their files) older than `before`; failed ones stay until retried
    or older than that too."""
    deleted, _ = BackgroundJob.objects.filter(
        status__in=[Status.SUCCEEDED, Status.FAILED], finished_at__lt=before
    ).delete()
    return deleted
