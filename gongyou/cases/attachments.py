"""Case attachments: photos (JPEG, PNG) and PDF documents, at most MAX_BYTES each and MAX_FILES
per submission, checked by their content (gongyou/core/uploads.py) and kept under
VAR_DIR/case_files named by their digest. Every file of a submission is checked before anything
is stored: one refused file refuses the submission and nothing lands on disk."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gongyou.cases.models import CaseAttachment
from gongyou.core.errors import FieldErrors
from gongyou.core.uploads import (
    HEAD_BYTES,
    IMAGE_SIGNATURES,
    PDF_SIGNATURES,
    CheckedFile,
    check_upload,
    open_evidence,
    store_evidence,
)

FOLDER = "case_files"
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 6
SIGNATURES = {**IMAGE_SIGNATURES, **PDF_SIGNATURES}
TYPE_MESSAGE = _("只能上传 JPEG、PNG 照片或 PDF 文件")

Checked = list[tuple[CheckedFile, bytes]]


def check_files(uploads: Sequence[UploadedFile], field: str = "files") -> Checked:
    """Each upload checked (never reading more than the limit allows); all problems at once."""
    errors = FieldErrors()
    if len(uploads) > MAX_FILES:
        errors.add_code(field, _("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES}, "too_many_files")
        errors.raise_if_any()
    checked: Checked = []
    for upload in uploads:
        size = upload.size or 0
        content = upload.read() if size <= MAX_BYTES else upload.read(HEAD_BYTES)
        try:
            result = check_upload(
                field, upload.name or "", size, content, signatures=SIGNATURES, max_bytes=MAX_BYTES, type_message=TYPE_MESSAGE
            )
        except ValidationError as exc:
            for error in exc.error_dict.get(field, []):
                message = f"{upload.name}: {error.message}"
                errors.add_code(field, message, error.code or "invalid")
        else:
            checked.append((result, content))
    errors.raise_if_any()
    return checked


def store_files(checked: Checked) -> None:
    for result, content in checked:
        store_evidence(FOLDER, result, content)


def read_attachment(attachment: CaseAttachment) -> bytes:
    return open_evidence(FOLDER, attachment.sha256, attachment.content_type)
