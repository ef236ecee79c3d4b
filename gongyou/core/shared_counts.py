"""Figures that are expensive to count and may be a little old, shared between readers through
Django's cache (local memory per process by default, Redis when REDIS_URL is set): the
dashboards' snapshot reads and today's changes (insight.queries), the coverage page's worker
counts (positions.coverage)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")


def shared(namespace: str, parts: Iterable[Any], seconds: int, compute: Callable[[], T]) -> T:
    """compute(), kept `seconds` under a key made of `namespace` and `parts` (their str()) and
    handed to every reader asking for the same key meanwhile; 0 seconds: counted every time."""
    if not seconds:
        return compute()
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    value: T = cache.get_or_set(f"{namespace}:{digest}", compute, seconds)  # type: ignore[assignment]
    return value
