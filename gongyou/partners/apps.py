from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "gongyou.partners"
    label = "partners"
    verbose_name = _("平台对接")
