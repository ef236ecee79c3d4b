"""Membership numbers: "GY" + 9 digits + an ISO 7064 MOD 11-2 check character (the same
scheme as the resident ID number), so a mistyped number is caught before any lookup."""

from __future__ import annotations

from stdnum.iso7064 import mod_11_2

PREFIX = "GY"
DIGITS = 9


def member_no_for(sequence: int) -> str:
    body = f"{sequence:0{DIGITS}d}"
    if len(body) != DIGITS:
        raise ValueError("membership sequence exhausted")
    return f"{PREFIX}{body}{mod_11_2.calc_check_digit(body)}"


def is_valid_member_no(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != len(PREFIX) + DIGITS + 1 or not value.startswith(PREFIX):
        return False
    body = value[len(PREFIX):]
    return body[:-1].isdigit() and mod_11_2.is_valid(body)
