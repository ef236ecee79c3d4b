"""Cleaning what callers send before a service touches the ledger: amounts are integer fen and
nothing else (a float, a fraction, "12.50" or "1e3" is refused, never rounded)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.funds.errors import Refused

# 100 million yuan: far above any posting, far below where BIGINT sums could overflow.
MAX_AMOUNT_FEN = 10**10
_DIGITS = re.compile(r"[0-9]+")


def clean_amount_fen(value: Any, field: str = "amount_fen") -> int:
    """A positive whole number of fen: an int, or a string of digits (a form or a file cell)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_AMOUNT_FEN:
        raise Refused("invalid_amount", _("金额必须是大于零的整数（单位：分），不能有小数"), field=field)
    return value


def clean_memo(value: Any) -> str:
    return str(value or "").strip()[:200]


def clean_idempotency_key(value: Any) -> str | None:
    text = str(value or "").strip()
    if len(text) > 80:
        raise Refused("invalid_key", _("幂等键不能超过 80 个字符"), field="idempotency_key")
    return text or None


def clean_date(value: Any, field: str = "date") -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise Refused("invalid_date", _("日期格式应为 YYYY-MM-DD"), field=field) from exc


@dataclass(frozen=True)
class CleanPosting:
    amount_fen: int
    memo: str
    value_date: dt.date
    idempotency_key: str | None


def clean_posting(data: dict[str, Any]) -> CleanPosting:
    return CleanPosting(
        amount_fen=clean_amount_fen(data.get("amount_fen")),
        memo=clean_memo(data.get("memo")),
        value_date=clean_date(data.get("date")),
        idempotency_key=clean_idempotency_key(data.get("idempotency_key")),
    )
