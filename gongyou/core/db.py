"""Database connection setup shared by every process.

SQLite has no roles or TRUNCATE, so the audit log's DELETE trigger (migration
0005_audit_log_refuses_delete_on_sqlite) asks a connection function whether purging is allowed.
It never is in the product; the test suite allows it because Django's test runner empties tables
with DELETE between transactional tests on SQLite (on PostgreSQL it uses TRUNCATE, which fires no
row trigger, so nothing needs allowing there).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

AUDIT_PURGE_FUNCTION = "gongyou_audit_purge_allowed"
_audit_purge_allowed = False


def set_audit_purge_allowed(allowed: bool) -> bool:
    """For the test runner only; returns the previous value."""
    global _audit_purge_allowed
    previous, _audit_purge_allowed = _audit_purge_allowed, allowed
    return previous


@contextmanager
def audit_purge_allowed(allowed: bool) -> Iterator[None]:
    previous = set_audit_purge_allowed(allowed)
    try:
        yield
    finally:
        set_audit_purge_allowed(previous)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(AUDIT_PURGE_FUNCTION, 0, lambda: int(_audit_purge_allowed))
