import datetime as dt

import pytest
from django.utils import timezone

from gongyou.api.auth import PartnerRateThrottle
from gongyou.api.tests.conftest import client_for
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.partners.models import PartnerCredential
from gongyou.partners.services import issue_partner_token, revoke_partner_token, token_hash

URLS = [
    ("post", "/api/v1/partner/roster"),
    ("post", "/api/v1/join"),
    ("get", "/api/v1/members/GY0000000011"),
]


def assert_error_shape(response, field, code):
    body = response.json()
    assert list(body) == ["errors"]
    assert body["errors"][field][0]["code"] == code
    assert body["errors"][field][0]["message"]


def test_it_stores_only_prefix_and_hash(world):
    token = issue_partner_token(world.platform, actor=COMMAND, name="名册同步")
    scheme, prefix, secret = token.split("_")
    assert scheme == "gyp" and len(prefix) == 8 and len(secret) >= 32
    credential = PartnerCredential.objects.get(prefix=prefix)
    assert credential.token_hash == token_hash(token) != token
    assert secret not in credential.token_hash
    assert AuditLog.objects.filter(action="partner_credential.issue", object_id=str(credential.pk)).exists()


@pytest.mark.parametrize(("method", "url"), URLS)
def test_it_requires_a_token(world, method, url):
    response = getattr(client_for(None), method)(url, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_error_shape(response, "auth", "token_required")


@pytest.mark.parametrize(("method", "url"), URLS)
def test_it_rejects_a_bad_token(token, method, url):
    scheme, prefix, secret = token.split("_")
    for bad in (f"{scheme}_{prefix}_{'x' * len(secret)}", "gyp_nope", "not-a-token", f"{token}x"):
        response = getattr(client_for(bad), method)(url, {}, format="json")
        assert response.status_code == 401, bad
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert_error_shape(response, "auth", "invalid_token")


def test_it_rejects_other_schemes(token):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/join", {}, format="json")
    assert response.status_code == 401
    assert_error_shape(response, "auth", "bad_authorization_header")


def test_it_rejects_a_revoked_token(world, token, api):
    assert api.post("/api/v1/partner/roster", {"workers": []}, format="json").status_code == 200
    credential = PartnerCredential.objects.get(prefix=token.split("_")[1])
    revoke_partner_token(credential, actor=COMMAND)
    response = api.post("/api/v1/partner/roster", {"workers": []}, format="json")
    assert response.status_code == 401
    assert_error_shape(response, "auth", "invalid_token")
    assert AuditLog.objects.filter(action="partner_credential.revoke", object_id=str(credential.pk)).count() == 1


def test_it_records_last_use_at_most_once_a_minute(token, api):
    credential = PartnerCredential.objects.get(prefix=token.split("_")[1])
    assert credential.last_used_at is None
    api.post("/api/v1/partner/roster", {"workers": []}, format="json")
    credential.refresh_from_db()
    first = credential.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=5)
    api.post("/api/v1/partner/roster", {"workers": []}, format="json")
    credential.refresh_from_db()
    assert credential.last_used_at == first


def test_it_rate_limits_per_credential(world, token, api, other_api, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"partner": "2/min"})
    for _i in range(2):
        assert api.post("/api/v1/partner/roster", {"workers": []}, format="json").status_code == 200
    response = api.post("/api/v1/partner/roster", {"workers": []}, format="json")
    assert response.status_code == 429
    assert_error_shape(response, "detail", "throttled")
    assert "Retry-After" in response
    # Another partner's budget is its own.
    assert other_api.post("/api/v1/partner/roster", {"workers": []}, format="json").status_code == 200
