"""Partner credentials: a bearer token that acts for one platform enterprise."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongyou.core.models import Enterprise


class PartnerCredential(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="partner_credentials")
    name = models.CharField(_("名称"), max_length=80, blank=True)
    # The token is "gyp_<prefix>_<secret>"; only the prefix (to find the row) and a SHA-256 of the
    # whole token are stored, so a database leak does not leak usable tokens.
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台凭证")
        verbose_name_plural = _("平台凭证")

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.prefix})"


class PartnerWorkerLink(models.Model):
    """A platform's own id for a worker who joined through its API (the join's `external_id`), so
    the platform and the union can talk about the same person in the platform's terms."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="worker_links", db_index=False)
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="partner_links")
    external_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "external_id"], name="partner_link_unique_external_id"),
            models.UniqueConstraint(fields=["enterprise", "person"], name="partner_link_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.external_id}"
