from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Gongyou in production: health and readiness probes, backup and restore."""

    name = "gongyou.ops"
    label = "ops"
    verbose_name = _("运维")
