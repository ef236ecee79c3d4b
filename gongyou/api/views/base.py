"""The two kinds of endpoint: a partner's (token, per-credential rate) and a public one (no
credentials, per-address rate). Both answer JSON only, errors in the one shape (api.errors)."""

from __future__ import annotations

from typing import NoReturn

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from gongyou.api.auth import IsPartner, IsStaff, PartnerTokenAuthentication, StaffTokenAuthentication
from gongyou.api.parsers import PartnerJSONParser
from gongyou.core.models import Enterprise


class ApiView(APIView):
    renderer_classes = [JSONRenderer]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(wait, detail=_("请求过于频繁，请稍后再试"))


class PartnerView(ApiView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsPartner]
    parser_classes = [PartnerJSONParser]

    def enterprise(self, request: Request) -> Enterprise:
        return request.auth.enterprise  # type: ignore[union-attr]


class PublicView(ApiView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []


class StaffView(ApiView):
    """A staff endpoint: the token's user, with exactly their scope and role."""

    authentication_classes = [StaffTokenAuthentication]
    permission_classes = [IsStaff]
    parser_classes = [PartnerJSONParser]
