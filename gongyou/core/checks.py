"""Start-up checks: refuse to run with a data key other than the one the database was started
with. A wrong GONGYOU_DATA_KEY does not fail loudly by itself — lookup hashes simply stop matching
(an existing member joins again as a new one) and reveals fail — so the first start records a
fingerprint and every later start compares it.

Runs as a Django system check (runserver and every management command that checks) and from
gongyou/wsgi.py (gunicorn and any WSGI server), so no process starts serving with a wrong key.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, connection, transaction

from gongyou.core.models import KeyFingerprint

DATA_KEY = "GONGYOU_DATA_KEY"
# Present only while a rotation runs: the fingerprint of the key being retired.
RETIRING_KEY = "GONGYOU_DATA_KEY_PREVIOUS"
_CONSTANT = b"gongyou: data key fingerprint v1"


def fingerprint(key: str) -> str:
    return hmac.new(key.encode(), _CONSTANT, hashlib.sha256).hexdigest()


def data_key_problem() -> str | None:
    """None when the key matches (or is being recorded on first start), else the message.

    During a key rotation (gongyou/core/rotation.py) the database may still be recorded under
    the retiring key — accepted when that key is GONGYOU_DATA_KEY_PREVIOUS — and a rotation that
    has started but not finished needs the retiring key as GONGYOU_DATA_KEY_PREVIOUS."""
    previous = getattr(settings, "GONGYOU_DATA_KEY_PREVIOUS", None)
    try:
        if KeyFingerprint._meta.db_table not in connection.introspection.table_names():
            return None  # before `migrate`: nothing encrypted yet
        expected = fingerprint(settings.GONGYOU_DATA_KEY)
        rows = dict(KeyFingerprint.objects.filter(name__in=[DATA_KEY, RETIRING_KEY]).values_list("name", "fingerprint"))
        stored = rows.get(DATA_KEY)
        if stored is None:
            try:
                with transaction.atomic():
                    KeyFingerprint.objects.create(name=DATA_KEY, fingerprint=expected)
                return None
            except IntegrityError:  # another process recorded it first: compare with theirs
                stored = KeyFingerprint.objects.get(name=DATA_KEY).fingerprint
    except DatabaseError:
        return None  # no database yet (e.g. `check` on a fresh checkout): nothing to compare
    retiring = rows.get(RETIRING_KEY)
    previous_fp = fingerprint(previous) if previous else None
    if hmac.compare_digest(stored, expected):
        if retiring is None or (previous_fp is not None and hmac.compare_digest(retiring, previous_fp)):
            return None
        return (
            "A rotation of GONGYOU_DATA_KEY has started but not finished: rows not yet rotated need "
            "the retiring key. Set GONGYOU_DATA_KEY_PREVIOUS to it and run `manage.py rotate_data_key` "
            "to finish; refusing to start."
        )
    if previous_fp is not None and hmac.compare_digest(stored, previous_fp):
        return None  # the new key is in place, the rotation has not started yet
    return (
        "GONGYOU_DATA_KEY is not the key this database was started with: ID numbers and phones "
        "stored here cannot be found or decrypted with it. Start with the original key (see your "
        "secrets store or var/secrets/gongyou_data_key); refusing to start."
    )


@checks.register()
def check_data_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = data_key_problem()
    return [checks.Critical(problem, id="gongyou.E001")] if problem else []


def verify_data_key() -> None:
    """For WSGI start-up: raise instead of returning a check message."""
    problem = data_key_problem()
    # A connection opened in a pre-forking server's master must not be shared by its workers.
    connection.close()
    if problem:
        raise ImproperlyConfigured(problem)
