from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "gongyou.positions"
    label = "positions"
    verbose_name = "服务阵地"
