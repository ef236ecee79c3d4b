from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world (`seed_demo`, `seed_positions`) and its generators. It may import every
    other app; nothing imports it."""

    name = "gongyou.demo"
    label = "demo"
    verbose_name = _("演示数据")
