"""SMS verification challenges of the worker portal.

A challenge is stored in the database (not only in the cache) so verification works across web
processes without Redis, and only as a keyed hash: a database dump does not reveal live codes.
"""

from __future__ import annotations

from django.db import models


class SmsChallenge(models.Model):
    class Purpose(models.TextChoices):
        JOIN = "join", "join"
        LOGIN = "login", "login"
        CHANGE_PHONE = "change_phone", "change_phone"

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # The background job sending the text (core.tasks.deliver_sms): the portal tells the worker
    # whether the code went out, is being sent again, or failed. Null when it was written at once
    # (the demo's console backend). No constraint and nothing done on delete: the daily purge of
    # finished jobs stays one DELETE (a reference would make Django load every purged job, export
    # files included, to clear it); a purged job reads as sent (portal.sms.delivery).
    job = models.ForeignKey(
        "core.BackgroundJob", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["phone_hash", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} challenge #{self.pk}"
