import datetime as dt
import json
import logging
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from gongyou.portal import sms
from gongyou.portal.models import SmsChallenge
from gongyou.portal.sms import ConsoleBackend, HttpGatewayBackend, SmsError

PHONE = "13912345678"


def send(phone=PHONE, purpose="join", ip="10.0.0.1"):
    sms.send_code(phone, purpose, ip=ip)
    return ConsoleBackend.last_code(phone, purpose)


def test_it_stores_only_a_hash_of_the_code(db):
    code = send()
    challenge = SmsChallenge.objects.get()
    assert len(code) == 6 and code.isdigit()
    assert code not in challenge.code_hash and PHONE not in challenge.phone_hash
    assert challenge.expires_at - challenge.created_at == dt.timedelta(minutes=5)


def test_a_right_code_verifies_once(db):
    code = send()
    sms.verify_code(PHONE, "join", code)
    with pytest.raises(SmsError) as info:
        sms.verify_code(PHONE, "join", code)
    assert info.value.code == "no_code"


def test_full_width_digits_and_spaces_are_accepted(db):
    code = send()
    typed = " ".join(chr(ord("０") + int(d)) for d in code)
    sms.verify_code(PHONE, "join", typed)


def test_a_code_is_bound_to_its_purpose_and_phone(db):
    code = send()
    with pytest.raises(SmsError):
        sms.verify_code(PHONE, "login", code)
    with pytest.raises(SmsError):
        sms.verify_code("13912345679", "join", code)


def test_it_expires_after_five_minutes(db, monkeypatch):
    code = send()
    later = timezone.now() + dt.timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(SmsError) as info:
        sms.verify_code(PHONE, "join", code)
    assert info.value.code == "expired"


def test_it_locks_after_five_wrong_attempts(db):
    code = send()
    wrong = "000000" if code != "000000" else "111111"
    codes = []
    for _ in range(5):
        with pytest.raises(SmsError) as info:
            sms.verify_code(PHONE, "join", wrong)
        codes.append(info.value.code)
    assert codes == ["wrong_code"] * 4 + ["too_many_attempts"]
    with pytest.raises(SmsError) as info:
        sms.verify_code(PHONE, "join", code)  # even the right code is dead now
    assert info.value.code == "too_many_attempts"


def test_checking_without_consuming_keeps_the_code_usable(db):
    code = send()
    sms.verify_code(PHONE, "join", code, consume=False)
    sms.verify_code(PHONE, "join", code)


def test_one_code_per_minute_per_phone(db):
    send()
    with pytest.raises(SmsError) as info:
        send()
    assert info.value.code == "too_soon" and info.value.retry_after == 60
    assert SmsChallenge.objects.count() == 1


def test_five_codes_per_hour_per_phone(db):
    from django.core.cache import cache

    for _ in range(5):
        send()
        # Skip the one-minute wait: drop that counter (LocMem keys are stored as ":1:<key>").
        cache.delete_many([k.split(":", 2)[2] for k in list(cache._cache) if "sms-phone-min" in k])
    with pytest.raises(SmsError) as info:
        send()
    assert info.value.code == "rate_limited"


def test_twenty_codes_per_hour_per_address(db):
    for i in range(20):
        send(phone=f"1391234{i:04d}")
    with pytest.raises(SmsError) as info:
        send(phone="13700000000")
    assert info.value.code == "rate_limited"
    send(phone="13700000000", ip="10.0.0.2")  # another address is not affected


def test_the_console_backend_shows_masked_numbers_to_staff(db):
    code = send()
    [message] = ConsoleBackend.recent()
    assert message.phone_masked == "139****5678" and message.code == code


# --- HTTP gateway -------------------------------------------------------------------------------------


def test_the_gateway_posts_json_with_the_bearer_token():
    backend = HttpGatewayBackend(url="https://sms.example.org/send", token="t0ken")
    response = mock.MagicMock(status=200)
    response.__enter__.return_value = response
    with mock.patch("urllib.request.urlopen", return_value=response) as urlopen:
        backend.send(PHONE, "msg 123456", purpose="join", code="123456")
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://sms.example.org/send"
    assert request.get_header("Authorization") == "Bearer t0ken"
    assert json.loads(request.data) == {"phone": PHONE, "message": "msg 123456", "template": "join", "params": {"code": "123456"}}
    assert urlopen.call_args.kwargs["timeout"] == HttpGatewayBackend.TIMEOUT


def test_a_gateway_failure_is_retried_by_the_job_with_back_off(db, settings):
    import urllib.error

    from gongyou.core.models import BackgroundJob

    settings.GONGYOU_SMS_BACKEND = "gongyou.portal.sms.HttpGatewayBackend"
    settings.GONGYOU_SMS_GATEWAY_URL = "https://sms.example.org/send"
    settings.GONGYOU_SMS_GATEWAY_TOKEN = "t0ken"
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")):
        sms.send_code(PHONE, "join", ip="10.0.0.1")
    # The request answered; the sending job failed, keeps the error and waits for its retry.
    job = BackgroundJob.objects.get(task_path="gongyou.core.tasks.deliver_sms")
    assert job.status == "retrying" and job.attempts == 1 and job.run_after is not None
    assert "SmsError" in job.error and PHONE not in str(job.args) and PHONE not in job.error


def test_a_gateway_non_2xx_is_a_failure():
    backend = HttpGatewayBackend(url="https://sms.example.org/send", token="t0ken")
    response = mock.MagicMock(status=503)
    response.__enter__.return_value = response
    with mock.patch("urllib.request.urlopen", return_value=response), pytest.raises(SmsError):
        backend.send(PHONE, "m", purpose="join", code="1")


def test_the_gateway_refuses_to_start_without_configuration(settings, monkeypatch):
    monkeypatch.delenv("GONGYOU_SMS_GATEWAY_URL", raising=False)
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend(url="", token="x")
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend(url="file:///etc/passwd", token="x")
    with pytest.raises(ImproperlyConfigured):
        HttpGatewayBackend(url="https://sms.example.org", token="")


def test_purge_deletes_only_long_expired_challenges(db):
    from django.core.management import call_command

    send()
    send(phone="13912345670")
    old = SmsChallenge.objects.order_by("id").first()
    SmsChallenge.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=2))
    call_command("purge_sms_codes")
    assert list(SmsChallenge.objects.values_list("pk", flat=True)) != [old.pk]
    assert SmsChallenge.objects.count() == 1


# --- the one SMS-code step of join, login and phone change ------------------------------------------


@pytest.mark.parametrize("url_name", ["portal:join", "portal:login", "portal:phone"])
def test_every_sms_flow_sends_and_throttles_through_the_same_step(member_client, url_name):
    from django.urls import reverse

    from gongyou.core.testing import make_phone

    url = reverse(url_name)
    phone = make_phone(70)
    body = member_client.post(url, {"action": "send_code", "phone": phone}).content.decode()
    assert "验证码已发送到" in body
    with mock.patch("gongyou.portal.views.common.ratelimit.hit", return_value=False):
        body = member_client.post(url, {"phone": phone, "sms_code": "000000"}).content.decode()
    assert "提交太频繁了" in body
    assert not SmsChallenge.objects.filter(used_at__isnull=False).exists()


def test_the_console_backend_never_logs_the_code(db, caplog):
    # Probe: the console SMS backend wrote every code to the log.
    caplog.set_level(logging.INFO, logger="gongyou.core.sms")
    code = send()
    assert "SMS (join)" in caplog.text
    assert code not in caplog.text and PHONE not in caplog.text
