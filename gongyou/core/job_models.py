"""One row per background job, whatever queue runs it (gongyou/core/jobs.py).

The queue (django-tasks: the database backend, or RQ on Redis) only carries the job's id; this row
is the truth the console shows: status, attempts, the next retry, progress, the last error, and a
file the job made (an Excel export) for whoever asked for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        RETRYING = "retrying", _("等待重试")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    task_path = models.CharField(_("任务"), max_length=200)
    # Positional arguments, JSON; never personal data in clear (callers encrypt it: crypto.encrypt).
    args = models.JSONField(default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveIntegerField(_("最多尝试次数"), default=5)
    # At most one job per key: a schedule slot ("schedule:auto_accept_transfers:2026-12-01T03:00"),
    # one import ("roster_import:42"). NULL for jobs that need no such guard.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # The next attempt after a failure (back-off).
    run_after = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A running job touches this at least every lease (settings GONGYOU_TASK_LEASE_SECONDS); an
    # older one means its worker died, and the schedule gives the job to another worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    # The last failure (exception and traceback), masked like every log line.
    error = models.TextField(_("错误"), blank=True)
    # The queue's own id of the latest delivery (a django-tasks result id).
    backend_id = models.CharField(max_length=64, blank=True)
    output_name = models.CharField(max_length=200, blank=True)
    output = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="core_job_status_idx")]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk}"

    @property
    def name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def error_line(self) -> str:
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""
