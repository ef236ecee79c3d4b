from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gongyou.members"
    label = "members"
    verbose_name = _("会员")

    def ready(self) -> None:
        # Django's idiom for connecting receivers: models can only be imported once apps are ready.
        from gongyou.members import receivers  # noqa: F401
