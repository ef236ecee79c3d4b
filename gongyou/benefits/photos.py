"""Incident photos are kept under VAR_DIR (never under a static or media URL), named by their
SHA-256 so IncidentPhoto.sha256 finds the file and a re-sent photo is stored once. The portal
stores them; staff see them only through an audited, scoped console view (insurance.view_incident_photo)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from gongyou.benefits.inputs import CleanPhoto

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def incident_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.VAR_DIR / "incident_photos")


def photo_file_name(content_type: str, sha256: str) -> str:
    return sha256 + EXTENSIONS[content_type]


def incident_photo_name(photo: CleanPhoto) -> str:
    return photo_file_name(photo.content_type, photo.sha256)


def store_incident_photo(photo: CleanPhoto, content: bytes) -> str:
    storage = incident_storage()
    name = incident_photo_name(photo)
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    return name
