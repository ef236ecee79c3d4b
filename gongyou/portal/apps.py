from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongyou.portal"
    label = "portal"
    verbose_name = "劳动者门户"

    def ready(self) -> None:
        from gongyou.portal import checks  # noqa: F401  (registers the SMS backend check)
