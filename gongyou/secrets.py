"""Where the demo keeps its locally generated secrets.

Production supplies every secret through the environment. A laptop demo (DEBUG on) instead gets
a random secret written once under var/secrets/, which git ignores, so no secret is ever
committed and restarting the demo keeps the encrypted data readable.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def local_secret(directory: Path, name: str, *, nbytes: int = 32) -> str:
    path = directory / name
    if path.exists():
        return path.read_text().strip()
    directory.mkdir(parents=True, exist_ok=True)
    value = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def previous_local_secret(directory: Path, name: str) -> str | None:
    """A demo secret that exists only after an event (a key rotation): read, never created."""
    path = directory / name
    return path.read_text().strip() or None if path.exists() else None


def required_secret(env_value: str | None, *, name: str, debug: bool, directory: Path) -> str:
    if env_value:
        return env_value
    if debug:
        return local_secret(directory, name.lower())
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off")


MIN_KEY_BYTES = 32


def key_bytes(value: str) -> bytes | None:
    """The bytes a key written as hex or (URL-safe) base64 stands for, or None."""
    text = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]+", text) and len(text) % 2 == 0:
        return bytes.fromhex(text)
    if re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", text):
        try:
            return base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


def strong_key(value: str, *, name: str) -> str:
    """Refuse a key that is not at least 32 random bytes, written as hex or base64 (a passphrase
    like "another-key" is guessable and would protect every ID number in the database)."""
    raw = key_bytes(value)
    if raw is None or len(raw) < MIN_KEY_BYTES or len(set(raw)) < 8:
        raise ImproperlyConfigured(
            f"{name} must be at least {MIN_KEY_BYTES} random bytes written as hex or base64, e.g. "
            f"python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return value


def write_private(directory: Path, name: str, value: str) -> Path:
    """Write (or replace) a secret readable by its owner only; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return path
