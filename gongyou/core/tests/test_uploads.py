"""Evidence uploads: type by content, size, and names that try to be paths are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.uploads import IMAGE_SIGNATURES, PDF_SIGNATURES, check_upload, safe_file_name, store_evidence

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100
KINDS = {**IMAGE_SIGNATURES, **PDF_SIGNATURES}


def _check(name, content, size=None):
    return check_upload(
        "files", name, len(content) if size is None else size, content, signatures=KINDS, max_bytes=1024, type_message="bad"
    )


def test_a_photo_and_a_pdf_pass_by_their_content():
    assert _check("p.png", JPEG).content_type == "image/jpeg"  # the name does not decide
    assert _check("公证书.pdf", PDF).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "size", "code"),
    [
        ("big.jpg", JPEG, 2048, "too_large"),
        ("x.jpg", b"MZ\x90\x00 not an image", None, "bad_type"),
        ("x.pdf", b"<html>%PDF-", None, "bad_type"),
        ("../../x", JPEG, None, "bad_name"),
        ("a/b.jpg", JPEG, None, "bad_name"),
        ("..\\x.jpg", JPEG, None, "bad_name"),
        ("empty.jpg", b"", None, "empty"),
    ],
)
def test_refused_uploads(name, content, size, code):
    with pytest.raises(ValidationError) as refused:
        _check(name, content, size)
    assert code in [e.code for e in refused.value.error_dict["files"]]


def test_the_stored_name_is_the_digest_never_the_given_name(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    checked = _check("x.jpg", JPEG)
    name = store_evidence("evidence", checked, JPEG)
    assert name == checked.sha256 + ".jpg" and (tmp_path / "evidence" / name).read_bytes() == JPEG
    assert safe_file_name("  照片.jpg ") == "照片.jpg"
