"""Content negotiation (api/negotiation.py): the usual Accept values are answered without DRF's
parsing, and everything else still gets DRF's answer — JSON, or 406 for what we cannot render."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/stations/nearby?lng=121.4370&lat=31.1950"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", " application/json ", "application/json; indent=2",
                                    "text/html, application/json;q=0.9", "application/*"])
def test_json_for_every_accept_that_allows_it(db, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = APIClient().get(URL, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/*"])
def test_406_for_what_we_cannot_render(db, accept):
    response = APIClient().get(URL, HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response["Content-Type"].startswith("application/json")


def test_the_format_override_is_still_honoured(db):
    assert APIClient().get(URL + "&format=json").status_code == 200
    assert APIClient().get(URL + "&format=xml").status_code == 404
