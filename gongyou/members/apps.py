from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gongyou.members"
    label = "members"
    verbose_name = _("会员")

    def ready(self) -> None:
        # Django's idiom for connecting receivers: models can only be imported once apps are ready.
        # The personal-data columns `manage.py rotate_data_key` re-encrypts and re-hashes.
        from gongyou.core import crypto
        from gongyou.members import receivers  # noqa: F401

        id_and_phone = {
            "id_hash": ("id_enc", crypto.id_hash),
            "phone_hash": ("phone_enc", crypto.phone_hash),
        }
        crypto.register_sealed(
            "members.Person",
            encrypted=("id_enc", "phone_enc"),
            hashes={**id_and_phone, "phone_tail_hash": ("phone_enc", crypto.phone_tail_hash)},
        )
        crypto.register_sealed("members.RosterEntry", encrypted=("id_enc", "phone_enc"), hashes=id_and_phone)
