"""/healthz and /readyz (issue 13 part 1)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access in this test an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_even_when_the_database_is_gone(client):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_names_the_database_with_503_when_it_is_gone(client):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "fail"}}
    # The reason goes to the log, never to the public answer.
    assert b"refused" not in response.content


@pytest.mark.django_db
def test_readyz_checks_redis_when_it_is_configured_and_names_it_when_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A port nothing listens on: the check must fail quickly and say which one.
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    # (Django's test signals rebuild the cache handlers when CACHES changes, and again after.)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "checks": {"database": "ok", "redis": "fail"}}


@pytest.mark.django_db
def test_readyz_checks_the_task_queue_when_workers_serve_one(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get("/readyz").json() == {"status": "ok", "checks": {"database": "ok", "tasks": "ok"}}
    with mock.patch("django_tasks_db.models.DBTaskResult.objects.values_list", side_effect=OperationalError("gone")):
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["tasks"] == "fail"


def test_probes_accept_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_probes_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/console/login/").status_code == 301


def test_gunicorn_access_log_masks_personal_data_and_omits_query_and_client(capsys):
    """deploy/gunicorn.conf.py's logging: the access line passes the masking filter."""
    import datetime as dt
    import runpy
    import types
    from pathlib import Path

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    values = runpy.run_path(str(Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("access_log_format", "logconfig_dict", "workers", "timeout"):
        cfg.set(name, values[name])
    assert values["workers"] >= 3
    log = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/x/13812345678?id=310101199001011234",
        "PATH_INFO": "/x/13812345678",
        "QUERY_STRING": "id=310101199001011234",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.77",
        "HTTP_USER_AGENT": "probe",
    }
    response = types.SimpleNamespace(status="200 OK", sent=12, headers=[])
    request = types.SimpleNamespace(headers=[])
    log.access(response, request, environ, dt.timedelta(milliseconds=7))
    line = capsys.readouterr().out
    assert '"GET /x/138****5678" 200 12 7ms "probe"' in line
    assert "13812345678" not in line
    assert "1199001011234" not in line and "id=" not in line
    assert "203.0.113.77" not in line
