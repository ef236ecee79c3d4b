from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "gongyou.benefits"
    label = "benefits"
    verbose_name = _("服务与福利")

    def ready(self) -> None:
        # Relay-station check-ins are service events; positions announces them, benefits counts.
        from gongyou.benefits import receivers  # noqa: F401
