"""HSTS over TLS; no-store on console pages and every export (issue 14 item 10)."""

import pytest

from gongyou.core.excel import xlsx_response


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def test_https_responses_carry_hsts(client, db):
    response = client.get("/console/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/console/login/")


@pytest.mark.parametrize("url", ["/console/", "/console/members/", "/console/orgs/", "/console/transfers/"])
def test_console_pages_are_not_stored(street_client, url):
    response = street_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/console/members/export/", "/console/orgs/export/", "/console/roster/template/"])
def test_exports_are_not_stored(street_client, url):
    response = street_client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]


def test_the_shared_xlsx_response_is_not_stored():
    # Every export (console, service positions, coverage) answers through this helper.
    assert "no-store" in xlsx_response("服务阵地", b"x")["Cache-Control"]
