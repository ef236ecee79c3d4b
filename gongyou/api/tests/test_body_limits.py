"""Request bodies: a full roster batch is accepted whatever Django's upload limit, an oversized
body answers 413 in the API's error shape, and a body that is not JSON says so in the request's
language."""

import json

from django.test import override_settings

from gongyou.api.tests.conftest import roster_row
from gongyou.core.testing import worker_data
from gongyou.members.models import Membership, RosterEntry

ROSTER = "/api/v1/partner/roster"
JOIN = "/api/v1/join"


def post_raw(api, url, body: bytes, **extra):
    return api.post(url, body, content_type="application/json", **extra)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_a_roster_batch_larger_than_djangos_upload_limit_is_accepted(world, api):
    # Pretty-printed, as some exports send it: well over the 2,000-byte Django limit here.
    body = json.dumps({"workers": [roster_row(i) for i in range(1, 21)]}, indent=4, ensure_ascii=True).encode()
    assert len(body) > 2_000
    response = post_raw(api, ROSTER, body)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 20


def test_an_oversized_roster_body_is_413_in_the_error_shape(world, api, settings):
    settings.GONGYOU = {**settings.GONGYOU, "ROSTER_BATCH_MAX": 2}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"workers": [roster_row(1, name="张" * 3_000)]}).encode()  # one row, ~18 KB
    response = post_raw(api, ROSTER, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert [e["code"] for e in errors["workers"]] == ["batch_too_large"]
    assert "MB" in errors["workers"][0]["message"]
    assert RosterEntry.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_an_oversized_join_body_is_413_in_the_error_shape(world, api):
    body = json.dumps(worker_data(1, name="张" * 1_000)).encode()
    response = post_raw(api, JOIN, body)
    assert response.status_code == 413
    assert [e["code"] for e in response.json()["errors"]["detail"]] == ["request_too_large"]
    assert Membership.objects.count() == 0


def test_a_body_that_is_not_json_is_explained_in_chinese_then_english(world, api):
    response = post_raw(api, ROSTER, b'{"workers": [')
    assert response.status_code == 400
    error = response.json()["errors"]["detail"][0]
    assert error["code"] == "parse_error"
    assert error["message"].startswith("请求体不是有效的 JSON") and "第1行" in error["message"]
    english = post_raw(api, JOIN, b"\xff\xfe", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    message = english.json()["errors"]["detail"][0]["message"]
    assert "JSON" in message and not any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_nan_is_not_json(world, api):
    response = post_raw(api, JOIN, b'{"name": NaN}')
    assert response.status_code == 400
    assert response.json()["errors"]["detail"][0]["code"] == "parse_error"
