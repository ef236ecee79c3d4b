"""One error shape for the whole API: {"errors": {field: [{"code", "message"}]}}.

Django ValidationErrors raised by services and DRF's own errors both come out this way, with
messages in the request's language (Chinese by default)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def django_errors(exc: DjangoValidationError) -> dict[str, list[dict[str, str]]]:
    items: list[tuple[str, list[DjangoValidationError]]]
    if hasattr(exc, "error_dict"):
        items = list(exc.error_dict.items())
    else:
        items = [("non_field_errors", exc.error_list)]
    out: dict[str, list[dict[str, str]]] = {}
    for name, errors in items:
        for error in errors:
            message = error.message % error.params if error.params else error.message
            out.setdefault(name, []).append({"code": error.code or "invalid", "message": str(message)})
    return out


def _drf_errors(detail: Any, field: str = "non_field_errors") -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            for name, errs in _drf_errors(value, key).items():
                out.setdefault(name, []).extend(errs)
    elif isinstance(detail, list):
        for item in detail:
            for name, errs in _drf_errors(item, field).items():
                out.setdefault(name, []).extend(errs)
    else:
        out[field] = [{"code": getattr(detail, "code", "invalid"), "message": str(detail)}]
    return out


def error_response(field: str, code: str, message: str, status_code: int) -> Response:
    return Response({"errors": {field: [{"code": code, "message": message}]}}, status=status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        return Response({"errors": django_errors(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE; answered as an HTML 400 otherwise.
        return error_response(
            "detail", "request_too_large", _("请求体太大"), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if type(exc) is exceptions.ParseError and str(exc.detail).startswith("JSON parse error"):
        # DRF's own parse errors are English ("JSON parse error - …"); say it in the request's language.
        exc = exceptions.ParseError(_("请求体不是有效的 JSON"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _drf_errors(exc.detail)}
    elif isinstance(exc, exceptions.APIException):
        field = "auth" if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)) else "detail"
        field = getattr(exc, "field", field)
        response.data = {"errors": {field: [{"code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error", "message": str(exc.detail)}]}}
    return response
