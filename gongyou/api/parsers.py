"""JSON bodies of the API, read with a size limit that fits the contract.

DRF's JSONParser reads through Django's `request.body`, which refuses anything larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with an HTML 400 page. A legitimate 5,000-row roster batch
can be larger than that, and an oversized one must answer 413 in the API's error shape. This
parser reads the stream itself, up to the view's own limit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self, detail: str, *, field: str, code: str) -> None:
        super().__init__(detail, code=code)
        self.field = field  # where gongyou.api.errors files the error


class JSONBodyError(exceptions.ParseError):
    """A body that is not JSON; the message says where (gongyou.api.errors keeps it as it is)."""


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _too_large(view: Any, limit: int) -> BodyTooLarge:
    size = f"{limit / 1_048_576:.1f}"
    if callable(getattr(view, "max_body_bytes", None)):
        return BodyTooLarge(_("请求体超过%(size)s MB，请分批发送") % {"size": size}, field="workers", code="batch_too_large")
    return BodyTooLarge(_("请求体超过%(size)s MB") % {"size": size}, field="detail", code="request_too_large")


def body_limit(view: Any) -> int:
    """Bytes a view accepts: Django's default unless it allows more (a roster batch)."""
    limit = getattr(view, "max_body_bytes", None)
    return int(limit() if callable(limit) else settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class PartnerJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        context = parser_context or {}
        limit = body_limit(context.get("view"))
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            declared_size = int(declared or 0)
        except ValueError:
            declared_size = 0
        # Refuse by the declared length first so an oversized body is never read into memory.
        raw = b"" if limit and declared_size > limit else stream.read(limit + 1 if limit else -1)
        if limit and (declared_size > limit or len(raw) > limit):
            raise _too_large(context.get("view"), limit)
        try:
            return json.loads(raw.decode(context.get("encoding") or "utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as exc:
            raise JSONBodyError(_("请求体不是 UTF-8 编码的 JSON")) from exc
        except json.JSONDecodeError as exc:
            raise JSONBodyError(
                _("请求体不是有效的 JSON：第%(line)d行第%(column)d列附近有错误") % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except ValueError as exc:
            raise JSONBodyError(_("请求体不是有效的 JSON")) from exc
        except RecursionError as exc:
            # 50,000 nested "[" exhaust the decoder's stack: hostile, not a server fault.
            raise JSONBodyError(_("请求体嵌套层数过多")) from exc
