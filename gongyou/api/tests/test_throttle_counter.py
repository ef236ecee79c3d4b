"""The counting throttles (api.auth.CounterThrottle): one counter per caller and window, O(1)
per request whatever the rate, the 429 answer and Retry-After of DRF, a fresh window after the
period."""

from __future__ import annotations

import time

from django.core.cache import cache

from gongyou.api.auth import FailureThrottle, PublicRateThrottle

NEARBY = "/api/v1/stations/nearby?lng=121.44&lat=31.19"


def test_the_count_is_one_number_whatever_the_rate(rf, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "1000/min"})
    request = rf.get(NEARBY, REMOTE_ADDR="192.0.2.9")
    request.auth = None
    for _i in range(5):
        assert PublicRateThrottle().allow_request(request, None)
    # One integer, not a list of five timestamps that every request reads and writes back.
    assert cache.get("throttle_public_192.0.2.9") == 5


def test_over_the_rate_answers_429_with_the_time_left_in_the_window(db, client, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "2/hour"})
    assert [client.get(NEARBY).status_code for _i in range(3)] == [200, 200, 429]
    response = client.get(NEARBY)
    assert response.status_code == 429
    assert response.json()["errors"]["detail"][0]["code"] == "throttled"
    # The window opened by the first request has almost the whole hour left.
    assert 3500 <= int(response["Retry-After"]) <= 3600


def test_a_new_window_opens_after_the_period(db, client, monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "2/sec"})
    assert [client.get(NEARBY).status_code for _i in range(3)] == [200, 200, 429]
    time.sleep(1.1)
    assert client.get(NEARBY).status_code == 200


def test_failures_are_only_looked_at_until_recorded(rf, monkeypatch):
    monkeypatch.setattr(FailureThrottle, "THROTTLE_RATES", {"failures": "2/min"})
    request = rf.get("/api/v1/members/x", REMOTE_ADDR="192.0.2.7")
    for _i in range(5):
        assert FailureThrottle().allow_request(request, None)  # looking counts nothing
    FailureThrottle().record(request)
    assert FailureThrottle().allow_request(request, None)
    FailureThrottle().record(request)
    throttle = FailureThrottle()
    assert not throttle.allow_request(request, None)
    assert 0 < throttle.wait() <= 60
    other = rf.get("/api/v1/members/x", REMOTE_ADDR="192.0.2.8")
    assert FailureThrottle().allow_request(other, None)
