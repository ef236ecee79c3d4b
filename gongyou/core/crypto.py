"""Encryption at rest and keyed lookup hashes for personal data (PIPL sensitive information).

One master key (settings.GONGYOU_DATA_KEY) is stretched with HKDF into two independent keys: an
AES-256-GCM key for the ciphertexts and an HMAC-SHA256 key for the lookup hashes, so equality
search ("is this ID number already a member?") never needs the plaintext in the database. GCM is
used directly rather than Fernet because roster imports encrypt hundreds of thousands of values
and GCM is several times cheaper per value.

Key rotation (`manage.py rotate_data_key`): settings.GONGYOU_DATA_KEY is the current key and
settings.GONGYOU_DATA_KEY_PREVIOUS, while set, the one being retired. Each ciphertext names the
key that sealed it ("v2:<key id>:…"; the older "v1:…" names none and is tried with both), so
decryption works with either key and the rotation knows which rows are left. Lookup hashes
cannot name their key: during a rotation lookups ask for both (`id_hashes`, `phone_hashes`…).
Every model field that holds a ciphertext or a keyed hash is declared with `register_sealed`
(from its app's AppConfig.ready), so the rotation finds them all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v2"


@dataclass(frozen=True)
class _Key:
    aead: AESGCM
    mac: bytes
    kid: str  # names the key in each ciphertext; derived, so it reveals nothing of the key


@lru_cache(maxsize=8)
def _keys(master: str) -> _Key:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"gongyou-personal-data", info=b"v1").derive(
        master.encode()
    )
    kid = hmac.new(material[32:], b"gongyou: key id", hashlib.sha256).hexdigest()[:8]
    return _Key(AESGCM(material[:32]), material[32:], kid)


def _current() -> _Key:
    return _keys(settings.GONGYOU_DATA_KEY)


def _previous() -> _Key | None:
    previous = getattr(settings, "GONGYOU_DATA_KEY_PREVIOUS", None)
    return _keys(previous) if previous and previous != settings.GONGYOU_DATA_KEY else None


def current_master_key() -> str:
    """GONGYOU_DATA_KEY itself: only for handing to worker processes that seal values
    (core.sealing), which must not read Django's settings."""
    return str(settings.GONGYOU_DATA_KEY)


def current_prefix() -> str:
    """What every ciphertext sealed with the current key starts with."""
    return f"{_VERSION}:{_current().kid}:"


def encrypt(plaintext: str) -> str:
    key = _current()
    nonce = os.urandom(12)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), None)
    return f"{_VERSION}:{key.kid}:{base64.b64encode(nonce + sealed).decode()}"


class Sealer:
    """encrypt and keyed_hash under the key current when it was made, for many values in a row:
    the key is looked up once instead of through the settings on every value (a roster batch
    seals tens of thousands). Same output as the module functions."""

    def __init__(self, master: str | None = None) -> None:
        key = _current() if master is None else _keys(master)
        self._aead = key.aead
        self._mac_key = key.mac
        self._prefix = f"{_VERSION}:{key.kid}:"
        # HMAC state after the key and "kind:" for the kinds a roster row hashes: copying it
        # and adding the value costs half of hmac.digest, which sets the key up every time.
        self._macs = {kind: hmac.new(key.mac, f"{kind}:".encode(), hashlib.sha256) for kind in ("id", "phone")}

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        return self._prefix + base64.b64encode(nonce + self._aead.encrypt(nonce, plaintext.encode(), None)).decode()

    def keyed_hash(self, kind: str, value: str) -> str:
        base = self._macs.get(kind)
        if base is None:
            return hmac.digest(self._mac_key, f"{kind}:{value}".encode(), "sha256").hex()
        mac = base.copy()
        mac.update(value.encode())
        return mac.hexdigest()

    def id_hash(self, id_number: str) -> str:
        mac = self._macs["id"].copy()
        mac.update(id_number.encode())
        return mac.hexdigest()

    def phone_hash(self, phone: str) -> str:
        mac = self._macs["phone"].copy()
        mac.update(phone.encode())
        return mac.hexdigest()


def decrypt(token: str) -> str:
    version, _, rest = token.partition(":")
    previous = _previous()
    if version == _VERSION:
        kid, _, body = rest.partition(":")
        candidates = [k for k in (_current(), previous) if k is not None and k.kid == kid]
        if not candidates:
            raise ValueError(
                f"ciphertext sealed with key {kid!r}, which is neither GONGYOU_DATA_KEY nor GONGYOU_DATA_KEY_PREVIOUS"
            )
    elif version == "v1":  # before rotation existed: the key is not named, try both
        body = rest
        candidates = [k for k in (_current(), previous) if k is not None]
    else:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.b64decode(body)
    for key in candidates[:-1]:
        try:
            return key.aead.decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag:
            continue
    return candidates[-1].aead.decrypt(raw[:12], raw[12:], None).decode()


def _mac(key: _Key, kind: str, value: str) -> str:
    # hmac.digest is the one-shot C path: the same bytes as hmac.new(...).hexdigest(), without
    # building an HMAC object per value (a roster import hashes two values per row).
    return hmac.digest(key.mac, f"{kind}:{value}".encode(), "sha256").hex()


def keyed_hash(kind: str, value: str) -> str:
    """Deterministic HMAC of a normalised value; `kind` keeps ID and phone hashes apart."""
    return _mac(_current(), kind, value)


def keyed_hashes(kind: str, value: str) -> list[str]:
    """The hash under the current key and, during a rotation, under the previous one: what an
    equality lookup asks for (`field__in=`), so rows not yet rotated are still found."""
    previous = _previous()
    current = keyed_hash(kind, value)
    return [current] if previous is None else [current, _mac(previous, kind, value)]


def id_hash(id_number: str) -> str:
    return keyed_hash("id", id_number)


def phone_hash(phone: str) -> str:
    return keyed_hash("phone", phone)


def phone_tail_hash(phone_or_tail: str) -> str:
    """The keyed hash of a mobile number's last four digits: what a rider says at a counter
    ("尾号 1234"). Indexed for an equality lookup instead of a scan of the masked column."""
    return keyed_hash("phone_tail", phone_or_tail[-4:])


def id_hashes(id_number: str) -> list[str]:
    return keyed_hashes("id", id_number)


def phone_hashes(phone: str) -> list[str]:
    return keyed_hashes("phone", phone)


def phone_tail_hashes(phone_or_tail: str) -> list[str]:
    return keyed_hashes("phone_tail", phone_or_tail[-4:])


# --- the registry of sealed fields ---------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """One model's personal-data columns: `encrypted` ciphertext fields, and `hashes` mapping a
    keyed-hash field to (the encrypted field holding its plaintext, the function computing it).
    `unrebuildable` names keyed hashes of values that are not kept (one-time codes): they are
    not rebuilt; they expire, and lookups try both keys meanwhile."""

    model: str  # "app_label.ModelName"
    encrypted: tuple[str, ...]
    hashes: dict[str, tuple[str, Callable[[str], str]]] = field(default_factory=dict)
    unrebuildable: tuple[str, ...] = ()


_REGISTRY: dict[str, Sealed] = {}


def register_sealed(
    model: str,
    *,
    encrypted: tuple[str, ...] = (),
    hashes: dict[str, tuple[str, Callable[[str], str]]] | None = None,
    unrebuildable: tuple[str, ...] = (),
) -> None:
    _REGISTRY[model] = Sealed(model, encrypted, hashes or {}, unrebuildable)


def sealed_models() -> list[Sealed]:
    return list(_REGISTRY.values())


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:3]}{'*' * (len(id_number) - 7)}{id_number[-4:]}"


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: enough for a staff member to match a face, no more."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"
