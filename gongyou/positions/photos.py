"""Position photos live under VAR_DIR/media (not in the repo) and are served by the positions
app itself, so the project needs no MEDIA_URL set-up."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def photo_storage() -> FileSystemStorage:
    # A callable, so migrations record the function rather than a machine-specific path.
    return FileSystemStorage(location=settings.VAR_DIR / "media")


def photo_content_type(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_photo(upload: UploadedFile) -> None:
    if (upload.size or 0) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": [ValidationError(_("照片不能超过 5 MB"), code="too_large")]})
    head = upload.read(16)
    upload.seek(0)
    if photo_content_type(head) is None:
        raise ValidationError({"photo": [ValidationError(_("照片只能是 JPEG 或 PNG"), code="bad_type")]})
