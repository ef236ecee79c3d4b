"""A record of each market-registry upload: who loaded which file, what changed, and the rows
that were refused with their reasons (downloadable beside the summary)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=200)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # RowError dicts (core.errors): the sheet's row number, the USCC as written, the errors.
    rejected = models.JSONField(default=list)
    # A background job imports the file in chunks (insight.tasks.run_registry_import): the rows
    # still to import as read from the file ([[row number, {field: text}], …], dropped when done),
    # rows the file repeats ({row number: the earlier row with that USCC}), and how far it got.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.JSONField(default=list)
    duplicates = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("登记信息导入")
        verbose_name_plural = _("登记信息导入")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.position * 100 / self.total)

    @property
    def summary(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged} rejected={len(self.rejected)}"
