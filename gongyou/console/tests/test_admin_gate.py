"""/admin/ sits behind the console's gate and is off unless GONGYOU_ADMIN_ENABLED (issue 14 item 1)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gongyou.console import security, totp
from gongyou.console.models import LoginFailure, StaffTOTP
from gongyou.core import crypto
from gongyou.core.models import AuditLog

PASSWORD = "Root-pass-2026!"


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture
def root_secret(root):
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=root, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    return secret


def test_the_admin_is_off_by_default(client, root):
    assert client.get("/admin/").status_code == 404
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 404
    client.force_login(root)
    assert client.get("/admin/").status_code == 404


def test_wrong_passwords_then_the_right_one_do_not_open_the_admin(client, root, settings):
    # Probe: 30 wrong passwords on /admin/login/, then the right one → logged in, nothing recorded.
    settings.GONGYOU_ADMIN_ENABLED = True
    for _ in range(30):
        response = client.post("/admin/login/", {"username": "root", "password": "wrong"})
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # The real login is the console's, which counts failures and locks.
    for _ in range(5):
        client.post("/console/login/", {"username": "root", "password": "wrong"})
    assert LoginFailure.objects.filter(username="root", stage="password").count() == 5
    assert AuditLog.objects.filter(action="login.failed", actor_label="login:root").count() == 5
    locked = client.post("/console/login/", {"username": "root", "password": PASSWORD})
    assert locked.status_code == 400 and "_auth_user_id" not in client.session


def test_the_password_alone_does_not_open_the_admin(client, root, root_secret, settings):
    settings.GONGYOU_ADMIN_ENABLED = True
    response = client.post("/console/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response["Location"].startswith("/console/login/totp/")
    assert client.get("/admin/").status_code == 302
    response = client.post("/console/login/totp/", {"code": totp.code_at(root_secret), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_second_factor_is_sent_to_it(client, root, settings):
    settings.GONGYOU_ADMIN_ENABLED = True
    client.force_login(root)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302 and response["Location"] == "/console/login/totp/"


def test_an_idle_admin_session_times_out(client, root, settings, passed_second_factor):
    settings.GONGYOU_ADMIN_ENABLED = True
    client.force_login(root)
    passed_second_factor(client)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[security.LAST_SEEN] = timezone.now().timestamp() - security.IDLE_TIMEOUT.total_seconds() - 60
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert AuditLog.objects.filter(action="login.idle_timeout", actor=root).exists()


def test_console_officers_get_no_admin(client, personas, settings, passed_second_factor):
    settings.GONGYOU_ADMIN_ENABLED = True
    client.force_login(personas["city"])
    passed_second_factor(client)
    assert client.get("/admin/").status_code == 403
