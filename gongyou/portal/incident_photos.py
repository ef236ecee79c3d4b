"""Incident photos are kept under VAR_DIR (never under a static or media URL), named by their
SHA-256 so IncidentPhoto.sha256 finds the file and a re-sent photo is stored once."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from gongyou.benefits.inputs import CleanPhoto

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def incident_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.VAR_DIR / "incident_photos")


def incident_photo_name(photo: CleanPhoto) -> str:
    return photo.sha256 + EXTENSIONS[photo.content_type]


def store_incident_photo(photo: CleanPhoto, content: bytes) -> str:
    storage = incident_storage()
    name = incident_photo_name(photo)
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    return name
