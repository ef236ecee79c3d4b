from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "gongyou.members"
    label = "members"
    verbose_name = "会员"
