from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "gongyou.positions"
    label = "positions"
    verbose_name = _("服务阵地")
