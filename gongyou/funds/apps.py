from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "gongyou.funds"
    label = "funds"
    verbose_name = _("经费与会费")
