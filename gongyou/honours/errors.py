"""Refusals of honours services: a stable code, a message in words, and whether it is a conflict."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    def __init__(self, code: str, message: Any, *, field: str = "non_field_errors", conflict: bool = False) -> None:
        super().__init__({field: [ValidationError(message, code=code)]})
        self.code = code
        self.field = field
        self.conflict = conflict
