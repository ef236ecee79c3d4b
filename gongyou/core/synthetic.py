"""Synthetic, checksum-valid identifiers (ID numbers, USCCs, phone numbers) for the demo, the
roster template's example row, tests and benchmarks. Never a real person's or company's: the
sequence number spreads over ranges no real registry hands out together."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_2  # noqa: F401  (documented scheme used by ric)

# Region prefixes of the provinces riders most often come from (Anhui, Henan, Jiangsu, Sichuan…).
HOME_REGIONS = ["340123", "411521", "320321", "511321", "362428", "430524", "612522", "310110"]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_id_number(seq: int, *, birth: dt.date | None = None, male: bool | None = None) -> str:
    """A checksum-valid resident ID number for synthetic people (never a real person's:
    the sequence fills the 3-digit order code and the birth date spreads the rest)."""
    # Bijective in seq below 1000 × 12,775 × len(HOME_REGIONS), so synthetic people never collide.
    order, k = seq % 1000, seq // 1000
    days = 12_775  # 35 years of birth dates, 1966–2000
    if birth is None:
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=(k + order * 37) % days)
    if male is not None and (order % 2 == 1) != male:
        order = (order + 1) % 1000
    region = HOME_REGIONS[(k // days) % len(HOME_REGIONS)]
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(seq: int) -> str:
    """A check-valid USCC: registration authority 9 (industry & commerce), type 1 (enterprise),
    a Shanghai region code and a synthetic organisation code."""
    org = f"{seq:08d}" + _USCC_ALPHABET[seq % 10]
    body = f"91310000{org}"
    return body + uscc.calc_check_digit(body + "0")


def make_phone(seq: int) -> str:
    return f"139{seq % 100_000_000:08d}"
