"""Encryption at rest and keyed lookup hashes for personal data (PIPL sensitive information).

One master key (settings.GONGYOU_DATA_KEY) is stretched with HKDF into two independent keys: an
AES-256-GCM key for the ciphertexts and an HMAC-SHA256 key for the lookup hashes, so equality
search ("is this ID number already a member?") never needs the plaintext in the database. GCM is
used directly rather than Fernet because roster imports encrypt hundreds of thousands of values
and GCM is several times cheaper per value; each ciphertext carries a version prefix so the key
can be rotated later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v1"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[AESGCM, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"gongyou-personal-data", info=b"v1").derive(
        master.encode()
    )
    return AESGCM(material[:32]), material[32:]


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.GONGYOU_DATA_KEY)


def encrypt(plaintext: str) -> str:
    aead, _ = _current()
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, plaintext.encode(), None)
    return f"{_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.b64decode(body)
    aead, _ = _current()
    return aead.decrypt(raw[:12], raw[12:], None).decode()


def keyed_hash(kind: str, value: str) -> str:
    """Deterministic HMAC of a normalised value; `kind` keeps ID and phone hashes apart."""
    _, key = _current()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def id_hash(id_number: str) -> str:
    return keyed_hash("id", id_number)


def phone_hash(phone: str) -> str:
    return keyed_hash("phone", phone)


def phone_tail_hash(phone_or_tail: str) -> str:
    """The keyed hash of a mobile number's last four digits: what a rider says at a counter
    ("尾号 1234"). Indexed for an equality lookup instead of a scan of the masked column."""
    return keyed_hash("phone_tail", phone_or_tail[-4:])


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:3]}{'*' * (len(id_number) - 7)}{id_number[-4:]}"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: enough for a staff member to match a face, no more."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"
