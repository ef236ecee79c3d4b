"""Console state: login failures (lockout), admins' TOTP devices, staged roster imports and
each enterprise's remembered roster columns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongyou.core.models import Enterprise


class LoginFailure(models.Model):
    """One failed password or TOTP attempt; recent rows per username/IP decide the lockout."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    stage = models.CharField(max_length=10, default="password")  # "password" or "totp"

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip} {self.at:%Y-%m-%d %H:%M}"


class StaffTOTP(models.Model):
    """An admin's authenticator secret, encrypted with gongyou.core.crypto."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="console_totp")
    secret_enc = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code is good once (RFC 6238 §5.2).
    last_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Enrolment needs a one-time activation code issued by someone else (see
    # gongyou.console.services.issue_totp_activation); only its keyed hash is kept.
    activation_hash = models.CharField(max_length=64, blank=True)
    activation_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令")
        verbose_name_plural = _("动态口令")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class RosterImport(models.Model):
    """An uploaded roster file between preview and import. The rows hold ID numbers and phones,
    so they are kept only encrypted (payload_enc) and dropped once the import finishes."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待导入")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # {"rows": [[row number, [cell text, ...]], ...]}: the file as uploaded, below its header.
    payload_enc = models.TextField(blank=True)
    # The file's own header row (its words, as HR wrote them), where it was found, and the
    # roster field each column is read into ("" = not imported), as the officer confirmed it.
    header = models.JSONField(default=list)
    header_row = models.PositiveIntegerField(default=1)
    columns = models.JSONField(default=list)
    # Rows the file itself keeps out (a repeated external id, the same person twice):
    # {row number: {"code", "message", "of": the row that is imported instead}}.
    held = models.JSONField(default=dict)
    # After the import: the rejected rows as uploaded, {"rows": {row number: cells}}, for the
    # error file that can be corrected and uploaded again.
    rejected_enc = models.TextField(blank=True)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    # Masked first rows for the preview table.
    preview = models.JSONField(default=list)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    proposed_transfers = models.PositiveIntegerField(default=0)
    # [{"row": excel row number, "external_id", "name", "errors": {field: [{"code","message"}]}}]
    rejected = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.position * 100 / self.total)


class RosterColumnMap(models.Model):
    """How an enterprise's roster files name their columns: header text → roster field, as an
    officer mapped them on the preview page. The next file of that enterprise is read the same way."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("名册列对应")
        verbose_name_plural = _("名册列对应")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.columns}"
