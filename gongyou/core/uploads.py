"""Uploaded files kept as evidence (incident photos, case attachments): the type is read from
the first bytes, never from the name or the Content-Type the phone sent; the size is checked
before the content is read; the file is stored under VAR_DIR (never under a static or media URL)
named by its SHA-256, so a name like `../../x` can never choose where it lands and a re-sent
file is stored once. The channel that received the file stores it; the domain keeps only the
checked metadata."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from gongyou.core.errors import FieldErrors

IMAGE_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PDF_SIGNATURES = {b"%PDF-": "application/pdf"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
HEAD_BYTES = 16


@dataclass(frozen=True)
class CheckedFile:
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str


def safe_file_name(name: str) -> str | None:
    """The name as shown to people, or None when it tries to name a path (`../../x`, `a/b`,
    `C:\\x`) or holds control characters: such an upload is refused, not silently renamed."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        return "file"
    if any(sep in name for sep in ("/", "\\", "\x00")) or name in (".", "..") or name.startswith(".."):
        return None
    if ":" in name or any(unicodedata.category(ch) == "Cc" for ch in name):
        return None
    return name[:120]


def check_upload(
    field: str,
    file_name: str,
    size_bytes: int,
    content: bytes,
    *,
    signatures: dict[bytes, str],
    max_bytes: int,
    type_message: Any,
) -> CheckedFile:
    """One upload: a safe name, not empty, at most `max_bytes`, and a type known by its first
    bytes. `content` is the whole file, or only its head when the size already refuses it."""
    errors = FieldErrors()
    name = safe_file_name(file_name)
    if name is None:
        errors.add_code(field, _("文件名不能包含路径"), "bad_name")
    if size_bytes <= 0:
        errors.add_code(field, _("文件是空的"), "empty")
    elif size_bytes > max_bytes:
        errors.add_code(
            field, _("文件不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)}, "too_large"
        )
    content_type = next((ct for sig, ct in signatures.items() if content.startswith(sig)), None)
    if content_type is None:
        errors.add_code(field, type_message, "bad_type")
    errors.raise_if_any()
    assert content_type is not None and name is not None
    return CheckedFile(name, content_type, size_bytes, hashlib.sha256(content).hexdigest())


def evidence_storage(folder: str) -> FileSystemStorage:
    return FileSystemStorage(location=settings.VAR_DIR / folder)


def stored_name(sha256: str, content_type: str) -> str:
    return sha256 + EXTENSIONS[content_type]


def store_evidence(folder: str, checked: CheckedFile, content: bytes) -> str:
    storage = evidence_storage(folder)
    name = stored_name(checked.sha256, checked.content_type)
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    return name


def open_evidence(folder: str, sha256: str, content_type: str) -> bytes:
    with evidence_storage(folder).open(stored_name(sha256, content_type), "rb") as handle:
        data: bytes = handle.read()
    return data


EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def named_file_response(body: bytes, content_type: str, name: str) -> HttpResponse:
    """A stored document served as a download under the name it was uploaded with (a notice's
    circular, a report's attachment): its checked type, nosniff, never cached."""
    response = HttpResponse(body, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    return response


def private_file_response(body: bytes, content_type: str, stem: str) -> HttpResponse:
    """A stored upload served to someone allowed to see it: never rendered as HTML (its checked
    type, nosniff), never cached, images inline and everything else as a download named
    `stem` + the type's extension (the uploader's own file name is not echoed back)."""
    response = HttpResponse(body, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{stem}{EXTENSIONS.get(content_type, "")}"'
    return response
