"""Case numbers: "SQ" (诉求) + the year + 8 random digits + an ISO 7064 MOD 11-2 check character,
shaped like a membership number so a mistyped one is caught before
any lookup, and random so counting through them finds nobody's case."""

from __future__ import annotations

import secrets

from stdnum.iso7064 import mod_11_2

PREFIX = "SQ"
DIGITS = 8


def new_case_no(year: int) -> str:
    body = f"{year:04d}{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    return f"{PREFIX}{body}{mod_11_2.calc_check_digit(body)}"


def is_valid_case_no(value: str) -> bool:
    value = (value or "").strip().upper()
    body = value[len(PREFIX):]
    if not value.startswith(PREFIX) or len(body) != 4 + DIGITS + 1 or not body[:-1].isdigit():
        return False
    return bool(mod_11_2.is_valid(body))
