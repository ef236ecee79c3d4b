"""One error vocabulary for every channel: a field's errors carry a stable code and a translatable
message, collected with FieldErrors and shown as {"errors": {field: [{"code", "message"}]}} — the
API's body, the console's form errors and the per-row errors of an import alike (STYLE, 5).

No HTTP here: the API turns these into responses in gongyou.api.errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ErrorItem(TypedDict):
    code: str
    message: str
    of: NotRequired[int]  # the other row an in-file duplicate refers to


ErrorDict = dict[str, list[ErrorItem]]


class RowError(TypedDict):
    """One rejected row of a batch or an import: its position (0-based in a request, the sheet's
    row number in a file), the key the sender knows it by, and its errors in the one shape."""

    index: int
    external_id: str
    errors: ErrorDict


class FieldErrors:
    """Every field's errors at once; raise_if_any() raises one ValidationError holding them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError) -> None:
        self.errors.setdefault(field, []).extend(error.error_list)

    def add_code(self, field: str, message: Any, code: str) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def add_exc(self, field: str, exc: ValidationError) -> None:
        """A ValidationError from a validator: its own fields when it names them, else `field`."""
        if hasattr(exc, "error_dict"):
            for name, errs in exc.error_dict.items():
                self.errors.setdefault(name, []).extend(errs)
        else:
            self.errors.setdefault(field, []).extend(exc.error_list)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)  # type: ignore[arg-type]


def text_field(data: Mapping[str, Any], key: str, limit: int, errors: FieldErrors, *, required: bool = True) -> str:
    """A typed text field, stripped: "必填" when required and empty, "不能超过 N 个字" when
    longer than `limit` (noted on `errors`, cut to the limit so the rest of the form can go on)."""
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors.add_code(key, _("必填"), "required")
    elif len(value) > limit:
        errors.add_code(key, _("不能超过 %(n)s 个字") % {"n": limit}, "too_long")
    return value[:limit]


def django_errors(exc: ValidationError) -> ErrorDict:
    """A ValidationError as {field: [{"code", "message"}]}; errors without a field go under
    "non_field_errors", messages in the active language."""
    items: list[tuple[str, list[ValidationError]]]
    if hasattr(exc, "error_dict"):
        items = list(exc.error_dict.items())
    else:
        items = [("non_field_errors", exc.error_list)]
    out: ErrorDict = {}
    for name, errors in items:
        for error in errors:
            message = error.message % error.params if error.params else error.message
            out.setdefault(name, []).append({"code": error.code or "invalid", "message": str(message)})
    return out


def error_body(field: str, code: str, message: str) -> dict[str, ErrorDict]:
    """The body of a response carrying one error."""
    return {"errors": {field: [{"code": code, "message": message}]}}
