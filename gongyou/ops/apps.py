from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Gongyou in production: health and readiness probes, backup and restore."""

    name = "gongyou.ops"
    label = "ops"
    verbose_name = _("运维")

    def ready(self) -> None:
        from gongyou.ops.health import _task_queue_configured, check_task_queue, register_check

        # /readyz: the task queue answers too, where a worker-served queue is configured.
        register_check("tasks", check_task_queue, enabled=_task_queue_configured)
