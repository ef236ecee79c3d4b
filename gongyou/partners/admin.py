"""Partner credentials in the admin: view and revoke. Tokens are issued with
`manage.py partner_token USCC`, the only place the plain token is ever shown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongyou.core.actors import Actor
from gongyou.core.admin import ReadOnlyAdmin
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import revoke_partner_token


@admin.register(PartnerCredential)
class PartnerCredentialAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc", "prefix", "name"]
    shown = ("enterprise", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = readonly_fields = shown
    actions = ["revoke"]

    @admin.action(description=_("吊销所选凭证"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerCredential]) -> None:
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            revoke_partner_token(credential, actor=Actor.staff(request.user))
            count += 1
        self.message_user(request, _("已吊销 %(count)d 个凭证") % {"count": count}, messages.SUCCESS)
