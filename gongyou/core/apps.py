from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongyou.core"
    label = "core"
    verbose_name = _("组织与权限")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gongyou.core import checks  # noqa: F401  (registers the data-key check)
        from gongyou.core.db import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="gongyou.core.db")
