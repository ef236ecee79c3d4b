"""Fixed-window counters in the cache (Redis in production, local memory in the demo).

Rate limits are a brake, not a ledger: a lost counter after a cache restart only lets a few
extra requests through, which is why they live in the cache and not the database.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from gongyou.core import clientaddr


def _key(scope: str, ident: str, window: int) -> str:
    # Hash the identifier: phone numbers must not sit in the cache in clear text.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"portal:rl:{scope}:{window}:{digest}"


def hit(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one request; False when this one is over `limit` within `window` seconds."""
    key = _key(scope, ident, window)
    if cache.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    return clientaddr.client_ip(request)
