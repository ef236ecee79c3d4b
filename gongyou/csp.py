"""The Content-Security-Policy every page is served with (django-csp reads it from settings).

Scripts only from our own origin: no inline scripts, no on* handlers, no eval, so text that
slips into the DOM as HTML still cannot run. Style attributes stay allowed (templates and
server-drawn bars use them; an attribute cannot run script), style elements only from files.
Images: our own, data: URIs (Leaflet, Swagger UI) and the configured map tile host; fetches:
our own and the configured geocoder.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SELF = "'self'"
NONE = "'none'"


def tile_source(tile_url: str) -> str | None:
    """The CSP source that covers a Leaflet tile URL template, or None when it is our own origin.

    Placeholders ({s}, {z}…) in the host become the leftmost wildcard label, the only place CSP
    allows one: "https://webrd0{s}.is.autonavi.com/…" → "https://*.is.autonavi.com".
    """
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return None
    if parts.scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"GONGYOU_MAP_TILE_URL must be an http(s) URL, got {tile_url!r}")
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    if templated:
        rest = labels[templated[-1] + 1 :]
        if len(rest) < 2:
            raise ImproperlyConfigured(f"GONGYOU_MAP_TILE_URL has a placeholder in its domain: {tile_url!r}")
        host = ".".join(["*", *rest])
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def origin(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL template ({q} and the like only after the host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def content_security_policy(tile_url: str, geocoder_url: str = "") -> dict[str, Any]:
    """CONTENT_SECURITY_POLICY for django-csp."""
    tiles = tile_source(tile_url)
    geocoder = origin(geocoder_url) if geocoder_url else None
    if geocoder_url and geocoder is None:
        raise ImproperlyConfigured(f"GONGYOU_MAP_GEOCODER_URL must be an http(s) URL, got {geocoder_url!r}")
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "style-src-elem": [SELF],
            "style-src-attr": ["'unsafe-inline'"],
            "img-src": [SELF, "data:", *([tiles] if tiles else [])],
            "connect-src": [SELF, *([geocoder] if geocoder else [])],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
