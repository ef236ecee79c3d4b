"""Where the demo keeps its locally generated secrets.

Production supplies every secret through the environment. A laptop demo (DEBUG on) instead gets
a random secret written once under var/secrets/, which git ignores, so no secret is ever
committed and restarting the demo keeps the encrypted data readable.
"""

from __future__ import annotations

import base64
import os
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


def required_secret(env_value: str | None, *, name: str, debug: bool, directory: Path) -> str:
    if env_value:
        return env_value
    if debug:
        return local_secret(directory, name.lower())
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off")
