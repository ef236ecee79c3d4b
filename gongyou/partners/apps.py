from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "gongyou.partners"
    label = "partners"
    verbose_name = "平台对接"
