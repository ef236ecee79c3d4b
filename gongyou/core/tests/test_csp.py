"""Content-Security-Policy on every page; no template relies on inline script (issue 14 item 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gongyou.csp import content_security_policy, tile_source

ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize(
    "url",
    ["/", "/join/", "/stations/", "/console/login/", "/api/docs/", "/api/schema/", "/no-such-page/", "/static-missing"],
)
def test_every_response_carries_the_policy(client, world, url):
    csp = policy(client.get(url))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src-elem"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]


def test_the_swagger_page_loads_its_init_script_from_a_file(client, db):
    body = client.get("/api/docs/").content.decode()
    assert "<style>" not in body
    assert re.search(r'<script src="/api/docs/\?script=?"', body)


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        (
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "https://*.is.autonavi.com",
        ),
        ("http://tiles.example.cn:8080/{z}/{x}/{y}.png", "http://tiles.example.cn:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_the_tile_host_becomes_an_image_source(url, source):
    assert tile_source(url) == source


@pytest.mark.parametrize("url", ["ftp://tiles.example.cn/{z}.png", "https://{s}.cn/{z}/{x}/{y}.png"])
def test_a_tile_url_csp_cannot_express_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="GONGYOU_MAP_TILE_URL"):
        tile_source(url)


def test_the_geocoder_host_may_be_fetched_and_nothing_else():
    # The position form's address search fetches the geocoder from the browser (issue 7 item 11).
    policy = content_security_policy("/tiles/{z}/{x}/{y}.png", "https://restapi.amap.com/v3/geocode/geo?address={q}")
    assert policy["DIRECTIVES"]["connect-src"] == ["'self'", "https://restapi.amap.com"]
    assert content_security_policy("/tiles/{z}/{x}/{y}.png")["DIRECTIVES"]["connect-src"] == ["'self'"]
    with pytest.raises(ImproperlyConfigured, match="GONGYOU_MAP_GEOCODER_URL"):
        content_security_policy("/t/{z}.png", "javascript:alert(1)//{q}")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def templates() -> list[Path]:
    return sorted(
        p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    )


def test_templates_hold_no_inline_scripts_or_handlers():
    assert len(templates()) > 50
    offenders = []
    for path in templates():
        text = path.read_text()
        # json_script renders data, never code; it is how pages hand values to their scripts.
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
