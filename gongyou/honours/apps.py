from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "gongyou.honours"
    label = "honours"
    verbose_name = _("荣誉与劳动技能竞赛")
