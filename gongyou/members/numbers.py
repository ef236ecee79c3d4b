"""Membership numbers: "GY" + random digits + an ISO 7064 MOD 11-2 check character (the same
scheme as the resident ID number), so a mistyped number is caught before any lookup.

New numbers carry 12 random digits: a number says nothing about when its member joined, and
counting through them finds nobody (one in millions of numbers is taken, and unknown numbers
are rate-limited by the API). Numbers issued before that carry 9 digits, the database id; they
keep working."""

from __future__ import annotations

import secrets

from stdnum.iso7064 import mod_11_2

PREFIX = "GY"
DIGITS = 12
LEGACY_DIGITS = 9  # "GY" + the zero-padded database id + check character


def _with_check(body: str) -> str:
    return f"{PREFIX}{body}{mod_11_2.calc_check_digit(body)}"


def new_member_no() -> str:
    """A fresh random number (the caller retries on the rare collision: member_no is unique)."""
    return _with_check(f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}")


def legacy_member_no(sequence: int) -> str:
    """The number an old membership got from its database id (tests and data migrations)."""
    body = f"{sequence:0{LEGACY_DIGITS}d}"
    if len(body) != LEGACY_DIGITS:
        raise ValueError("membership sequence exhausted")
    return _with_check(body)


def is_valid_member_no(value: str) -> bool:
    value = (value or "").strip().upper()
    if not value.startswith(PREFIX) or len(value) - len(PREFIX) - 1 not in (DIGITS, LEGACY_DIGITS):
        return False
    body = value[len(PREFIX):]
    return body[:-1].isdigit() and mod_11_2.is_valid(body)
