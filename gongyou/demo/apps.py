from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world (`seed_demo`, `seed_positions`) and its generators. It may import every
    other app; nothing imports it."""

    name = "gongyou.demo"
    label = "demo"
    verbose_name = "演示数据"
