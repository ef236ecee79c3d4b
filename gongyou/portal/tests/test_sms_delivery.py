"""The worker is told whether the code's text went out: sending, sent again after a gateway
failure, sent, failed for good — the SMS box's status line polls while the job works."""

from __future__ import annotations

import datetime as dt
import urllib.error
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from gongyou.core import jobs
from gongyou.core.models import BackgroundJob
from gongyou.portal import sms
from gongyou.portal.models import SmsChallenge

PHONE = "13912345678"
GATEWAY = "gongyou.portal.sms.HttpGatewayBackend"


@pytest.fixture(autouse=True)
def _fresh_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gateway(settings):
    settings.GONGYOU_SMS_BACKEND = GATEWAY
    settings.GONGYOU_SMS_GATEWAY_URL = "https://sms.example.org/send"
    settings.GONGYOU_SMS_GATEWAY_TOKEN = "t0ken"


def _ok_response():
    response = mock.MagicMock(status=200)
    response.__enter__.return_value = response
    return response


def _down():
    return mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down"))


def _send_box(client, phone=PHONE):
    return client.post("/sms/send/", {"phone": phone, "purpose": "join"}).content.decode()


def _status(client, token):
    response = client.get("/sms/status/", {"t": token})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return response.content.decode()


def _token(box: str) -> str:
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    url = unescape(box.split('hx-get="', 1)[1].split('"', 1)[0])
    return parse_qs(urlsplit(url).query)["t"][0]


def test_the_demo_console_backend_is_sent_at_once_and_nothing_polls(db, client):
    box = _send_box(client)
    challenge = SmsChallenge.objects.get()
    assert challenge.job is None and sms.delivery(challenge) == sms.Delivery.SENT
    assert "验证码已发送到139****5678，5分钟内有效" in box
    assert "hx-get" not in box.split('id="sms-status"', 1)[1].split("</p>", 1)[0]


def test_a_gateway_that_answers_shows_sent_and_links_the_job(db, client, gateway):
    with mock.patch("urllib.request.urlopen", return_value=_ok_response()):
        box = _send_box(client)
    challenge = SmsChallenge.objects.get()
    assert challenge.job is not None and challenge.job.status == BackgroundJob.Status.SUCCEEDED
    assert sms.delivery(challenge) == sms.Delivery.SENT
    assert "验证码已发送到139****5678" in box and 'data-delivery="sent"' in box and "sms/status" not in box


def test_a_failing_gateway_is_reported_retrying_then_failed_and_the_polling_stops(db, client, gateway):
    with _down():
        box = _send_box(client)
        challenge = SmsChallenge.objects.get()
        assert sms.delivery(challenge) == sms.Delivery.RETRYING
        assert "正在重发" in box and 'hx-trigger="every 10s"' in box and 'class="sms-note ok"' in box
        token = _token(box)
        assert PHONE not in token and "5678" not in token  # the URL carries neither number nor code
        assert "正在重发" in _status(client, token)
        # The worker's next attempts fail too (the queue runs them when their back-off is due).
        for minutes in (5, 60):
            jobs.recover(now=timezone.now() + dt.timedelta(minutes=minutes))
    job = BackgroundJob.objects.get(pk=challenge.job_id)
    assert job.status == BackgroundJob.Status.FAILED and job.attempts == 3
    line = _status(client, token)
    assert "验证码短信没有发出去" in line and 'class="sms-note error"' in line
    assert "hx-get" not in line and "hx-trigger" not in line  # final: no more looking


def test_a_retry_that_gets_through_turns_the_line_to_sent(db, client, gateway):
    with _down():
        token = _token(_send_box(client))
    with mock.patch("urllib.request.urlopen", return_value=_ok_response()):
        jobs.recover(now=timezone.now() + dt.timedelta(minutes=5))
    line = _status(client, token)
    assert "验证码短信已发出，5分钟内有效" in line and "hx-get" not in line


def test_a_queued_text_polls_every_three_seconds_until_its_code_expires(db, client, gateway):
    with _down():
        token = _token(_send_box(client))
    challenge = SmsChallenge.objects.get()
    BackgroundJob.objects.filter(pk=challenge.job_id).update(status=BackgroundJob.Status.QUEUED)
    line = _status(client, token)
    assert "正在发送验证码，请稍候" in line and 'hx-trigger="every 3s"' in line
    SmsChallenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    line = _status(client, token)
    assert "已经过期" in line and "hx-get" not in line and 'class="sms-note error"' in line


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        signing.dumps(1, salt="another.purpose"),
        signing.dumps("1", salt="gongyou.portal.sms-status"),
    ],
)
def test_a_forged_or_foreign_token_reads_as_expired_and_stops(db, client, token):
    line = _status(client, token)
    assert "已经过期" in line and "hx-get" not in line


def test_a_stale_token_is_refused(db, client, gateway):
    with _down():
        token = _token(_send_box(client))
    later = timezone.now() + sms.CODE_TTL + dt.timedelta(minutes=6)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert sms.challenge_for_token(token) is None
    assert sms.challenge_for_token(token) == SmsChallenge.objects.get()


def test_the_no_js_form_shows_the_same_line(db, client, gateway):
    with _down():
        body = client.post(
            "/join/", {"phone": PHONE, "action": "send_code", "name": "王小明"}
        ).content.decode()
    assert "短信一时没有发出去，正在重发" in body


def test_the_english_line(db, client, gateway):
    client.cookies["django_language"] = "en"
    with _down():
        token = _token(_send_box(client))
    line = client.get("/sms/status/", {"t": token}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "resending" in line.lower()


def test_purging_finished_jobs_stays_one_delete_and_the_code_reads_as_sent(db, client, gateway, django_assert_max_num_queries):
    with mock.patch("urllib.request.urlopen", return_value=_ok_response()):
        _send_box(client)
    challenge = SmsChallenge.objects.get()
    BackgroundJob.objects.filter(pk=challenge.job_id).update(finished_at=timezone.now() - dt.timedelta(days=30))
    with django_assert_max_num_queries(2):  # the DELETE (and its savepoint), nothing loaded
        assert jobs.purge_finished(timezone.now() - dt.timedelta(days=7)) == 1
    challenge.refresh_from_db()
    assert not BackgroundJob.objects.filter(pk=challenge.job_id).exists()
    assert sms.delivery(challenge) == sms.Delivery.SENT
