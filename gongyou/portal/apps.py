from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongyou.portal"
    label = "portal"
    verbose_name = "劳动者门户"
