"""Who is calling the API, and how often they may: the one authentication module.

Partners authenticate with a bearer token; both "no token" and "bad or revoked token" answer 401
with a WWW-Authenticate header (DRF turns an authentication failure into 403 when the
authenticator offers no header). Public endpoints take no credentials. Rate limits: per partner
credential ("partner") and per client address for public calls ("public"); the rates live in
settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and both throttles are the default for every
view, each applying only to its own kind of caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from gongyou.core.models import Enterprise
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import check_token, touch_credential

REALM = "gongyou-partner"


@dataclass(frozen=True)
class Partner:
    """request.user of a partner request: the enterprise the token acts for."""

    credential: PartnerCredential

    is_authenticated = True
    is_anonymous = False

    @property
    def enterprise(self) -> Enterprise:
        return self.credential.enterprise


class PartnerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Partner, PartnerCredential] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 头的格式应为“Bearer <令牌>”"), code="bad_authorization_header"
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销"), code="invalid_token") from exc
        credential = check_token(token)
        if credential is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销"), code="invalid_token")
        touch_credential(credential)
        return Partner(credential), credential

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{REALM}"'


class IsPartner(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, PartnerCredential):
            # Raised here (not returned False) so the message is ours and in Chinese.
            raise exceptions.NotAuthenticated(
                _("需要平台令牌：请在 Authorization 头中提供“Bearer <令牌>”"), code="token_required"
            )
        return True


class PartnerRateThrottle(SimpleRateThrottle):
    """Per credential, at settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner"]."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, PartnerCredential):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PublicRateThrottle(SimpleRateThrottle):
    """Per client address for calls without a partner credential, at the "public" rate."""

    scope = "public"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, PartnerCredential):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gongyou.api.auth.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gyp_<prefix>_<secret>",
            "description": "平台令牌，由 `manage.py partner_token <USCC>` 签发；一个令牌代表一家企业。",
        }
