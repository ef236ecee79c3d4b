from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongyou.core"
    label = "core"
    verbose_name = "组织与权限"
