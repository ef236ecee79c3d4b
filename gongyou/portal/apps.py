from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gongyou.portal"
    label = "portal"
    verbose_name = "劳动者门户"

    def ready(self) -> None:
        from gongyou.core import crypto
        from gongyou.portal import checks  # noqa: F401  (registers the SMS backend check)

        # A challenge keeps neither the phone nor the code, only keyed hashes that live five
        # minutes: `rotate_data_key` cannot rebuild them, lookups try both keys meanwhile.
        crypto.register_sealed("portal.SmsChallenge", unrebuildable=("phone_hash", "code_hash"))
