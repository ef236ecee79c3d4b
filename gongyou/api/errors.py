"""The API's one error shape, {"errors": {field: [{"code", "message"}]}} (gongyou.core.errors),
for every failure: Django ValidationErrors raised by services, DRF's own errors (authentication,
throttling, parsing), 404 and oversized bodies — messages in the request's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from gongyou.core.errors import ErrorDict, django_errors, error_body


def _drf_errors(detail: Any, field: str = "non_field_errors") -> ErrorDict:
    out: ErrorDict = {}
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
    return Response(error_body(field, code, message), status=status_code)


def errors_response(errors: ErrorDict, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": errors}, status=status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]."""
    if isinstance(exc, DjangoValidationError):
        return errors_response(django_errors(exc))
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
        codes = exc.get_codes()
        response.data = error_body(field, codes if isinstance(codes, str) else "error", str(exc.detail))
    return response


# --- Django's own error pages, for paths under /api/ --------------------------------------------
# An unknown URL, or a crash outside DRF's handler, would answer Django's HTML page: under /api/
# the answer is JSON in the one shape, like every other API error. Other paths keep Django's pages.

API_PREFIX = "/api/"


def _api_error(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body("detail", code, message), status=status_code, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error("bad_request", _("请求无效"), 400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error("not_found", _("找不到这个地址"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error("server_error", _("服务器内部错误，请稍后再试"), 500)
    return defaults.server_error(request)
