"""Start-up refuses a wrong or weak data key and the demo SMS backend outside DEBUG (issue 14 item 8)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from gongyou.core.checks import DATA_KEY, check_data_key, fingerprint
from gongyou.core.models import KeyFingerprint
from gongyou.portal.checks import check_sms_backend
from gongyou.secrets import strong_key


def test_the_first_start_records_the_key_and_later_starts_compare(db, settings):
    assert not KeyFingerprint.objects.exists()
    assert check_data_key() == []
    row = KeyFingerprint.objects.get(name=DATA_KEY)
    assert row.fingerprint == fingerprint(settings.GONGYOU_DATA_KEY)
    assert settings.GONGYOU_DATA_KEY not in row.fingerprint
    assert check_data_key() == []


def test_a_start_with_another_key_is_refused_with_a_clear_message(db, settings):
    # Probe: with another key an existing member joining again got a second membership.
    check_data_key()
    settings.GONGYOU_DATA_KEY = secrets.token_urlsafe(32)
    problems = check_data_key()
    assert [p.id for p in problems] == ["gongyou.E001"]
    assert "GONGYOU_DATA_KEY is not the key this database was started with" in problems[0].msg
    assert "gongyou.E001" in [p.id for p in checks.run_checks()]


@pytest.mark.parametrize("weak", ["another-key", "a" * 64, secrets.token_hex(16), secrets.token_urlsafe(24)])
def test_a_weak_key_is_refused(weak):
    with pytest.raises(ImproperlyConfigured, match="at least 32 random bytes"):
        strong_key(weak, name="GONGYOU_DATA_KEY")


@pytest.mark.parametrize("good", [secrets.token_urlsafe(32), secrets.token_hex(32), "hQ3s" + secrets.token_urlsafe(40)])
def test_a_random_key_is_accepted(good):
    assert strong_key(good, name="GONGYOU_DATA_KEY") == good


def test_the_demo_sms_backend_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    assert [p.id for p in check_sms_backend()] == ["gongyou.E002"]
    settings.DEBUG = True
    assert check_sms_backend() == []


def _start(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GONGYOU_", "DEBUG", "SECRET_KEY"))}
    environment.update(DJANGO_SETTINGS_MODULE="gongyou.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_the_console_sms_backend_and_a_weak_key():
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGYOU_DATA_KEY": secrets.token_urlsafe(32),
    }
    console = _start(**production, GONGYOU_SMS_BACKEND="gongyou.portal.sms.ConsoleBackend")
    assert console.returncode != 0 and "console (demo) backend" in console.stderr
    weak = _start(
        **{**production, "GONGYOU_DATA_KEY": "another-key"}, GONGYOU_SMS_BACKEND="gongyou.portal.sms.HttpGatewayBackend"
    )
    assert weak.returncode != 0 and "at least 32 random bytes" in weak.stderr
    ok = _start(**production, GONGYOU_SMS_BACKEND="gongyou.portal.sms.HttpGatewayBackend")
    assert ok.returncode == 0, ok.stderr
