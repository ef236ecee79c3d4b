"""No ID number or phone in any log line (issue 14 item 6)."""

import io
import logging
from typing import Any

import pytest
from django.conf import settings

from gongyou.core.logmask import mask
from gongyou.core.testing import make_id_number, make_phone

ID = make_id_number(1)
PHONE = make_phone(1)


def test_it_masks_id_like_and_phone_like_runs():
    line = f'"GET /console/members/?q={ID} HTTP/1.1" 200 phone={PHONE} old=110101800101123 ts=1700000000000'
    masked = mask(line)
    assert ID not in masked and PHONE not in masked and "110101800101123" not in masked
    assert f"{ID[:3]}{'*' * 11}{ID[-4:]}" in masked and f"{PHONE[:3]}****{PHONE[-4:]}" in masked
    assert "ts=1700000000000" in masked  # a 13-digit timestamp is neither
    assert mask("3401231971010112345") == "3401231971010112345"  # 19 digits: no ID


@pytest.fixture
def log_output():
    """What the handlers configured in settings.LOGGING write, whichever logger a line takes."""
    stream = io.StringIO()
    registry: dict[str, logging.Handler] = getattr(logging, "_handlers")  # noqa: B009 (private, typed here)
    configured: Any = settings.LOGGING["handlers"]
    handlers = [h for name in configured if isinstance(h := registry[name], logging.StreamHandler)]
    previous = [(handler, handler.setStream(stream)) for handler in handlers]
    yield stream
    for handler, old in previous:
        handler.setStream(old)


@pytest.mark.parametrize("logger_name", ["django.server", "django.request", "gunicorn.access", "gongyou.anything"])
def test_every_configured_handler_masks(log_output, logger_name):
    # The probe read `GET /console/members/?q=3401231971…` in plain text in the access log.
    logging.getLogger(logger_name).warning('"GET /console/members/?q=%s HTTP/1.1" 200 %s', ID, PHONE)
    err = log_output.getvalue()
    assert "/console/members/?q=" in err
    assert ID not in err and PHONE not in err


def test_exception_text_is_masked_too(log_output):
    try:
        raise ValueError(f"bad row {ID}")
    except ValueError:
        logging.getLogger("gongyou.anything").exception("import failed for %s", PHONE)
    err = log_output.getvalue()
    assert "ValueError" in err and ID not in err and PHONE not in err
