"""A record of each market-registry upload: who loaded which file, what changed, and the rows
that were refused with their reasons (downloadable beside the summary)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryImport(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=200)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # RowError dicts (core.errors): the sheet's row number, the USCC as written, the errors.
    rejected = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("登记信息导入")
        verbose_name_plural = _("登记信息导入")

    def __str__(self) -> str:
        return self.filename

    @property
    def summary(self) -> str:
        return f"created={self.created} updated={self.updated} unchanged={self.unchanged} rejected={len(self.rejected)}"
