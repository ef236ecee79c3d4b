"""Masks ID-number-like and phone-like digit runs in every log line (PIPL: logs are copied to
places — proxies, log shippers, support tickets — where personal data must not go).

Installed on every handler in settings.LOGGING, including Django's request log (runserver's
"django.server") and gunicorn's loggers, so whatever the message or its arguments hold, only the
masked form reaches a file or a terminal. It masks by shape, not by knowing what the number is:
an 18-character run ending in a digit or X, a 15-digit run (first-generation ID cards) and an
11-digit run starting with 1 (mainland mobiles).
"""

from __future__ import annotations

import logging
import re

_ID_18 = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID_15 = re.compile(r"(?<!\d)(\d{3})\d{8}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    text = _ID_18.sub(lambda m: f"{m[1]}{'*' * 11}{m[2]}", text)
    text = _ID_15.sub(lambda m: f"{m[1]}{'*' * 8}{m[2]}", text)
    return _PHONE.sub(lambda m: f"{m[1]}****{m[2]}", text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own error report
            return True
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
