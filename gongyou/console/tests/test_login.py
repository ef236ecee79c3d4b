import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongyou.console import security, services, totp
from gongyou.console.models import LoginFailure, StaffTOTP
from gongyou.console.services import issue_totp_activation
from gongyou.core import crypto
from gongyou.core.access import audit_entries_for
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, StaffProfile
from gongyou.core.services import create_staff
from gongyou.env import parse_networks

# The personas' password (conftest.PASSWORD; two conftest modules make importing it ambiguous).
PASSWORD = "Gongyou-test-2026!"
LOGIN = "/console/login/"


def post_login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_it_redirects_anonymous_users_to_login(client, db):
    response = client.get("/console/members/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=/console/members/")


def test_it_logs_an_officer_in_and_audits_it(client, personas):
    response = post_login(client, "street", next="/console/members/")
    assert response.status_code == 302 and response["Location"] == "/console/members/"
    assert client.get("/console/").status_code == 200
    assert AuditLog.objects.filter(action="login.success", actor=personas["street"]).exists()


def test_it_refuses_a_bad_password_and_audits_it(client, personas):
    response = post_login(client, "street", "wrong")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.content.decode()
    assert AuditLog.objects.filter(action="login.failed", actor_label="login:street").count() == 1


def test_it_locks_a_username_after_five_failures_even_with_the_right_password(client, personas):
    for _ in range(5):
        post_login(client, "street", "wrong")
    response = post_login(client, "street")
    assert response.status_code == 400
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="login.locked").exists()


def test_the_lockout_ends_after_fifteen_minutes(client, personas):
    for _ in range(5):
        post_login(client, "street", "wrong")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert post_login(client, "street").status_code == 302


def test_it_locks_an_ip_after_many_failures_across_usernames(client, personas):
    for i in range(security.IP_FAILURE_LIMIT):
        post_login(client, f"guess{i}", "wrong")
    assert post_login(client, "city").status_code == 400


def test_a_user_without_staff_profile_cannot_use_the_console(client, django_user_model, db):
    django_user_model.objects.create_user("plain", password=PASSWORD)
    response = post_login(client, "plain")
    assert response.status_code == 400
    client.force_login(django_user_model.objects.get(username="plain"))
    assert client.get("/console/").status_code == 403


def test_logout_ends_the_session(client, personas):
    client.force_login(personas["street"])
    assert client.post("/console/logout/").status_code == 302
    assert client.get("/console/").status_code == 302
    assert AuditLog.objects.filter(action="logout").exists()


def test_an_idle_session_times_out(client, personas):
    client.force_login(personas["street"])
    assert client.get("/console/").status_code == 200
    session = client.session
    session[security.LAST_SEEN] = (timezone.now() - dt.timedelta(minutes=31)).timestamp()
    session.save()
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/console/").status_code == 302
    assert AuditLog.objects.filter(action="login.idle_timeout").exists()


@pytest.fixture
def admin_user(world):
    return create_staff(username="boss", password=PASSWORD, org=world.street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND)


def test_an_admin_must_enrol_and_pass_totp(client, admin_user):
    code = issue_totp_activation(admin_user, actor=COMMAND)
    response = post_login(client, "boss")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/totp/")
    assert "_auth_user_id" not in client.session  # not logged in before the second factor
    page = client.get("/console/login/totp/")
    assert page.status_code == 200 and "data:image/svg+xml" not in page.content.decode()
    page = client.post("/console/login/totp/", {"activation": code.lower()})
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = StaffTOTP.objects.get(user=admin_user)
    secret = crypto.decrypt(device.secret_enc)
    assert secret not in device.secret_enc
    assert client.post("/console/login/totp/", {"code": "000000"}).status_code == 400
    response = client.post("/console/login/totp/", {"code": totp.code_at(secret)})
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200
    device = StaffTOTP.objects.get(user=admin_user)
    assert device.confirmed_at is not None and device.activation_hash == ""
    assert AuditLog.objects.filter(action="totp.enrol", actor=admin_user).exists()
    assert AuditLog.objects.filter(action="totp.activation_issue", object_id=str(admin_user.pk)).exists()


def test_the_password_alone_never_shows_the_totp_secret(client, admin_user):
    # Probe: an admin who had not enrolled was shown the secret after the password alone.
    post_login(client, "boss")
    page = client.get("/console/login/totp/")
    assert page.status_code == 200
    assert "data:image/svg+xml" not in page.content.decode() and 'data-testid="totp-secret"' not in page.content.decode()
    guessed = client.post("/console/login/totp/", {"activation": "AAAA-BBBB-CCCC", "code": "123456"})
    assert guessed.status_code == 400 and "data:image/svg+xml" not in guessed.content.decode()
    assert not StaffTOTP.objects.filter(user=admin_user, confirmed_at__isnull=False).exists()
    assert LoginFailure.objects.filter(username="boss", stage="totp").count() == 1


def test_an_activation_code_expires_and_works_once(client, admin_user):
    code = issue_totp_activation(admin_user, actor=COMMAND)
    StaffTOTP.objects.filter(user=admin_user).update(activation_expires_at=timezone.now() - dt.timedelta(minutes=1))
    post_login(client, "boss")
    assert client.post("/console/login/totp/", {"activation": code}).status_code == 400
    code = issue_totp_activation(admin_user, actor=COMMAND)
    assert client.post("/console/login/totp/", {"activation": code}).status_code == 200
    secret = crypto.decrypt(StaffTOTP.objects.get(user=admin_user).secret_enc)
    assert client.post("/console/login/totp/", {"code": totp.code_at(secret)}).status_code == 302
    client.post("/console/logout/")
    StaffTOTP.objects.filter(user=admin_user).update(confirmed_at=None)
    post_login(client, "boss")
    assert client.post("/console/login/totp/", {"activation": code}).status_code == 400


def test_the_activation_command_prints_a_working_code(admin_user):
    out = io.StringIO()
    call_command("totp_activation", "boss", stdout=out)
    code = out.getvalue().strip().splitlines()[-1]
    assert services.check_totp_activation(StaffTOTP.objects.get(user=admin_user), code)


def test_an_admin_signed_in_elsewhere_still_needs_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"] == "/console/login/totp/"


def test_a_used_totp_code_cannot_be_replayed(client, admin_user):
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin_user, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    code = totp.code_at(secret)
    post_login(client, "boss")
    assert client.post("/console/login/totp/", {"code": code}).status_code == 302
    client.post("/console/logout/")
    post_login(client, "boss")
    assert client.post("/console/login/totp/", {"code": code}).status_code == 400


def test_five_wrong_totp_codes_lock_the_admin(client, admin_user):
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin_user, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    post_login(client, "boss")
    for _ in range(5):
        client.post("/console/login/totp/", {"code": "000000"})
    response = client.post("/console/login/totp/", {"code": totp.code_at(secret)})
    assert response.status_code == 400 and "锁定" in response.content.decode()


def test_behind_a_trusted_proxy_failures_lock_the_guessing_client_not_everyone(client, personas, settings):
    # Probe: behind nginx every request came from 127.0.0.1, so 20 failures anywhere locked out all staff.
    settings.GONGYOU_TRUSTED_PROXIES = parse_networks("GONGYOU_TRUSTED_PROXIES", "127.0.0.1")
    for i in range(security.IP_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"guess{i}", "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert LoginFailure.objects.filter(ip="198.51.100.66").count() == security.IP_FAILURE_LIMIT
    ok = client.post(LOGIN, {"username": "city", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert ok.status_code == 302
    client.post("/console/logout/")
    locked = client.post(LOGIN, {"username": "city", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert locked.status_code == 400


def test_a_forged_forwarded_header_from_an_untrusted_peer_does_not_escape_the_ip_lockout(client, personas):
    for i in range(security.IP_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"guess{i}", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert post_login(client, "city").status_code == 400


def test_wrong_totp_codes_count_across_password_steps(client, admin_user):
    # Probe: each correct password reset the TOTP failure count, so codes could be guessed forever.
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin_user, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    for _ in range(5):
        assert post_login(client, "boss").status_code == 302
        assert client.post("/console/login/totp/", {"code": "000000"}).status_code == 400
    response = post_login(client, "boss")
    assert response.status_code == 400 and "锁定" in response.content.decode()


def test_after_five_totp_failures_each_further_miss_locks_again(client, admin_user):
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin_user, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    for _ in range(5):
        security.record_failure("boss", "198.51.100.1", "totp")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert post_login(client, "boss").status_code == 302  # the lockout period is over
    assert client.post("/console/login/totp/", {"code": "000000"}).status_code == 400
    response = client.post("/console/login/totp/", {"code": totp.code_at(secret)})
    assert response.status_code == 400 and "锁定" in response.content.decode()


def test_a_correct_code_clears_the_totp_failures(client, admin_user):
    secret = totp.new_secret()
    StaffTOTP.objects.create(user=admin_user, secret_enc=crypto.encrypt(secret), confirmed_at=timezone.now())
    post_login(client, "boss")
    client.post("/console/login/totp/", {"code": "000000"})
    assert client.post("/console/login/totp/", {"code": totp.code_at(secret)}).status_code == 302
    assert not LoginFailure.objects.filter(username="boss").exists()


def test_failed_logins_are_filed_under_the_accounts_org_for_the_city_admin(client, personas, world):
    # Issue 7 part 2 item 7: the city admin could not see failed staff logins (row had no org).
    post_login(client, "street", "wrong")
    post_login(client, "nobody-at-all", "wrong")
    assert AuditLog.objects.get(action="login.failed", actor_label="login:street").org == world.street_fed
    assert AuditLog.objects.get(action="login.failed", actor_label="login:nobody-at-all").org == world.city
    city_admin = create_staff(username="cityboss", password=PASSWORD, org=world.city, role=StaffProfile.Role.ADMIN, actor=COMMAND)
    visible = audit_entries_for(city_admin).filter(action="login.failed")
    assert {entry.actor_label for entry in visible} == {"login:street", "login:nobody-at-all"}
