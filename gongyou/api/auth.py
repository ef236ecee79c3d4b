"""Who is calling the API, and how often they may: the one authentication module.

Partners authenticate with a bearer token acting for an enterprise, staff with a bearer token
acting as one staff user (exactly their scope and role); both "no token" and "bad or revoked token" answer 401
with a WWW-Authenticate header (DRF turns an authentication failure into 403 when the
authenticator offers no header). Public endpoints take no credentials. Rate limits: per partner
credential ("partner"), per staff token ("staff") and per client address for public calls
("public"); the rates live in
settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and both throttles are the default for every
view, each applying only to its own kind of caller. Failures (bad tokens, unknown member numbers)
are counted per client address too ("failures", FailureThrottle): a client over that rate is
refused everything, before its token is even checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from gongyou.core.access import staff_profile
from gongyou.core.models import Enterprise, StaffToken
from gongyou.core.services import check_staff_token
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import check_token, touch_credential

REALM = "gongyou-partner"
STAFF_REALM = "gongyou-staff"


@dataclass(frozen=True)
class Partner:
    """request.user of a partner request: the enterprise the token acts for."""

    credential: PartnerCredential

    is_authenticated = True
    is_anonymous = False

    @property
    def enterprise(self) -> Enterprise:
        return self.credential.enterprise


def _bearer(request: Request) -> str | None:
    """The bearer token of the request, None without an Authorization header. A client that has
    sent too many bad tokens is refused before its token is even looked at (it learns nothing
    more by guessing)."""
    header = get_authorization_header(request).split()
    if not header:
        return None
    if header[0].lower() != b"bearer" or len(header) != 2:
        raise exceptions.AuthenticationFailed(
            _("Authorization 头的格式应为“Bearer <令牌>”"), code="bad_authorization_header"
        )
    failures = FailureThrottle()
    if not failures.allow_request(request, None):
        raise failures.throttled()
    try:
        return header[1].decode("ascii")
    except UnicodeDecodeError:
        _refuse_token(request)


def _refuse_token(request: Request) -> NoReturn:
    FailureThrottle().record(request)
    raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销"), code="invalid_token")


class PartnerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Partner, PartnerCredential] | None:
        token = _bearer(request)
        if token is None:
            return None
        credential = check_token(token)
        if credential is None:
            _refuse_token(request)
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


class StaffTokenAuthentication(BaseAuthentication):
    """request.user is the staff user the token was issued for: every scope and role check of
    the console applies to them unchanged."""

    def authenticate(self, request: Request) -> tuple[Any, StaffToken] | None:
        token = _bearer(request)
        if token is None:
            return None
        row = check_staff_token(token)
        if row is None:
            _refuse_token(request)
        return row.user, row

    def authenticate_header(self, request: Request) -> str:
        return f'Bearer realm="{STAFF_REALM}"'


class IsStaff(BasePermission):
    """A live staff token; a viewer is refused every write here, before the view looks anything
    up (so a viewer learns nothing about what exists)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, StaffToken):
            raise exceptions.NotAuthenticated(
                _("需要工作人员令牌：请在 Authorization 头中提供“Bearer <令牌>”"), code="token_required"
            )
        if request.method not in SAFE_METHODS and not request.user.is_superuser:
            profile = staff_profile(request.user)
            if profile is None or not profile.can_write:
                raise exceptions.PermissionDenied(_("只读账号只能查看，不能修改。"), code="read_only")
        return True


class CounterThrottle(SimpleRateThrottle):
    """DRF's SimpleRateThrottle keeps a list of every request's timestamp in the last period and
    reads, trims and writes it back on each request — O(rate) per request, 600 entries per
    partner at the production rate. This counts instead: the first request of a caller opens a
    window of the rate's period (a cache entry that expires with it) and each request adds one
    (`incr`, O(1), atomic in Redis); over the rate, requests are refused until the window ends,
    and Retry-After says when that is. The difference from a sliding list: a caller can spend its
    rate at the end of one window and again at the start of the next, so a burst can reach twice
    the rate within one period — the rate still holds over every window. Rates, scopes, cache
    keys and the 429 answer are DRF's."""

    # Set by SimpleRateThrottle.__init__ from the rate; the stubs do not declare them.
    num_requests: int
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        return self._hit() <= self.num_requests

    def _hit(self) -> int:
        """Count one request in the caller's window (opening one if none is open); the count."""
        try:
            return int(self.cache.incr(self.key))
        except ValueError:  # no open window
            if self.cache.add(self.key, 1, self.duration):
                self.cache.set(f"{self.key}:start", self.now, self.duration)
                return 1
            return int(self.cache.incr(self.key))  # another worker opened it just now

    def wait(self) -> float | None:
        start = self.cache.get(f"{self.key}:start")
        if start is None:
            return float(self.duration)
        return max(float(start) + self.duration - self.now, 0.0)


class StaffRateThrottle(CounterThrottle):
    """Per staff token, at the "staff" rate."""

    scope = "staff"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, StaffToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PartnerRateThrottle(CounterThrottle):
    """Per credential, at settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["partner"]."""

    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, PartnerCredential):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PublicRateThrottle(CounterThrottle):
    """Per client address for calls without a credential, at the "public" rate."""

    scope = "public"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, (PartnerCredential, StaffToken)):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FailureThrottle(CounterThrottle):
    """Per client address, at the "failures" rate: what only a guesser does often — a bad token,
    an unknown member number — is counted (`record`), and a client over the rate is refused
    every API call (`allow_request` only looks) until its window of failures ends. Guessing a
    token or counting through member numbers costs the guesser time, not the server."""

    scope = "failures"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        return int(self.cache.get(self.key, 0)) < self.num_requests

    def record(self, request: Any) -> None:
        if self.rate is None:
            return
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self._hit()

    def throttled(self) -> exceptions.Throttled:
        return exceptions.Throttled(self.wait(), detail=str(_("失败次数过多，请稍后再试")))


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


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gongyou.api.auth.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gys_<prefix>_<secret>",
            "description": "工作人员令牌，由 `manage.py staff_token <用户名>` 签发；与该账号的组织范围和角色完全相同。",
        }
