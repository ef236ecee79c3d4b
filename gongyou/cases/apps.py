from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongyou.cases"
    label = "cases"
    verbose_name = _("诉求与维权")

    def ready(self) -> None:
        # The personal-data columns `manage.py rotate_data_key` re-encrypts and re-hashes: the
        # name and phone of a worker who is not a member.
        from gongyou.core import crypto

        crypto.register_sealed(
            "cases.Case",
            encrypted=("contact_name_enc", "contact_phone_enc"),
            hashes={"contact_phone_hash": ("contact_phone_enc", crypto.phone_hash)},
        )
