from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "gongyou.console"
    label = "console"
    verbose_name = _("工作台")

    def ready(self) -> None:
        # The sealed columns `manage.py rotate_data_key` re-encrypts; an activation code is kept
        # only as its keyed hash, so it cannot be rebuilt (it expires; checks try both keys).
        from gongyou.core import crypto

        crypto.register_sealed("console.StaffTOTP", encrypted=("secret_enc",), unrebuildable=("activation_hash",))
        crypto.register_sealed("console.RosterImport", encrypted=("payload_enc", "rejected_enc"))
