from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "gongyou.voice"
    label = "voice"
    verbose_name = _("会商、集体协商与上传下达")
