"""Readiness checks: what a load balancer asks before sending a process traffic.

Each check is a callable that returns nothing when its dependency answers and raises when it
does not. The database is always checked; Redis when REDIS_URL configures it. Another service
the product comes to depend on (e.g. a task queue's broker) registers its own check with
`register_check` from its AppConfig.ready().
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections

logger = logging.getLogger(__name__)

Check = Callable[[], None]


def check_database() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_redis() -> None:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        cache._cache.get_client(write=True).ping()


def _redis_configured() -> bool:
    return isinstance(caches["default"], RedisCache)


_CHECKS: dict[str, tuple[Check, Callable[[], bool]]] = {
    "database": (check_database, lambda: True),
    "redis": (check_redis, _redis_configured),
}


def register_check(name: str, check: Check, *, enabled: Callable[[], bool] = lambda: True) -> None:
    _CHECKS[name] = (check, enabled)


def run_checks() -> dict[str, str]:
    """{"database": "ok", "redis": "fail", ...} for every enabled check."""
    results: dict[str, str] = {}
    for name, (check, enabled) in _CHECKS.items():
        if not enabled():
            continue
        try:
            check()
        except Exception:
            # The probe is public: the reason goes to the log, not into the answer.
            logger.exception("readiness check %s failed", name)
            results[name] = "fail"
        else:
            results[name] = "ok"
    return results


def check_task_queue() -> None:
    """The background-task queue (gongyou/core/jobs.py): its table, or RQ's Redis."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    if type(backend).__name__ == "RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
    else:
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.values_list("id", flat=True)[:1])


def _task_queue_configured() -> bool:
    from django_tasks import task_backends

    return type(task_backends["default"]).__name__ in ("DatabaseBackend", "RQBackend")
