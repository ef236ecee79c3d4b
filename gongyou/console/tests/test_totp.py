"""RFC 6238 appendix B test vectors (SHA-1 seed "12345678901234567890", 8 digits)."""

import base64

import pytest

from gongyou.console import totp

SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"), (2000000000, "69279037")],
)
def test_it_matches_the_rfc_vectors(at, code):
    assert totp.hotp(totp._key(SECRET), totp.time_step(at), digits=8) == code


def test_it_accepts_one_step_of_drift_and_refuses_replay():
    secret = totp.new_secret()
    now = 1_700_000_000
    code = totp.code_at(secret, now - 30)
    step = totp.verify(secret, code, at=now)
    assert step == totp.time_step(now - 30)
    assert totp.verify(secret, code, at=now, last_step=step) is None
    assert totp.verify(secret, totp.code_at(secret, now - 120), at=now) is None
    assert totp.verify(secret, "12345", at=now) is None


def test_provisioning_uri_names_issuer_and_account():
    uri = totp.provisioning_uri("ABCDEF", account="li.ming", issuer="工友工作台")
    assert uri.startswith("otpauth://totp/")
    assert "secret=ABCDEF" in uri and "li.ming" in uri
