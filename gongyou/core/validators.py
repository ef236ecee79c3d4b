"""Validators for the identifiers Gongyou trusts: resident ID number, USCC, mobile number.

Input is normalised first the way a phone keyboard mangles it (spaces, full-width characters,
lower-case x), then checked; every failure is a ValidationError with a stable code and a
translatable message (Chinese by default). python-stdnum holds the check-character algorithms
(GB 11643 ISO 7064 MOD 11-2, GB 32100); phonenumbers knows which mobile ranges exist.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from gongyou.core.errors import FieldErrors
from gongyou.core.geo import gcj02_to_wgs84, out_of_china

WORKER_MIN_AGE = 16  # Labour Law art. 15: no employment under 16.
WORKER_MAX_AGE = 75

_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·]+")


def normalise_text(value: str) -> str:
    """Fold full-width characters to ASCII (NFKC) and drop the separators keyboards insert."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


# Searched in C rather than character by character in Python (every field of every join):
# unpaired surrogates, and Unicode's control characters (category Cc is exactly these ranges).
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean_text(value: object, *, numbers: bool = False) -> str:
    """Text as people type it, made safe to store and show: a string (with `numbers`, an integer
    too, for digits a JSON client may send unquoted), Unicode-normalised (NFC, so the same name
    typed on two keyboards is one name), stripped, without control characters or unpaired
    surrogates (they break exports, terminals and UTF-8). Every channel reads free text through
    this, so a list, object or boolean is refused here and never stored as its Python repr."""
    if value is None:
        return ""
    if numbers and type(value) is int:
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(_("这里应填写文字"), code="not_text")
    if _SURROGATE.search(value):
        raise ValidationError(_("含有无法识别的字符"), code="bad_character")
    text = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(text):
        raise ValidationError(_("不能包含控制字符"), code="control_character")
    return text


def is_clean_text(value: str) -> bool:
    """True when clean_text would return `value` unchanged (the roster's fast path)."""
    return value.isprintable() and unicodedata.is_normalized("NFC", value) and value == value.strip()


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F" (17th digit odd = male, GB 11643)


def validate_id_number(value: str, *, today: dt.date | None = None) -> IdNumber:
    number = normalise_text(value).upper()
    if not number:
        raise ValidationError(_("请填写身份证号码"), code="required")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，您填写了%(count)d位") % {"count": len(number)},
            code="id_wrong_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码只能包含数字，最后一位可以是X"), code="id_bad_format")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新填写"), code="id_bad_check")
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, ValueError) as exc:
        raise ValidationError(_("身份证号码中的出生日期不存在"), code="id_bad_birth_date") from exc
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError(_("身份证号码中的出生日期晚于今天"), code="id_future_birth_date")
    age = _age(birth, today)
    if not WORKER_MIN_AGE <= age <= WORKER_MAX_AGE:
        raise ValidationError(
            _("按身份证号码计算年龄为%(age)d岁，不在%(low)d至%(high)d岁的劳动年龄范围内")
            % {"age": age, "low": WORKER_MIN_AGE, "high": WORKER_MAX_AGE},
            code="id_implausible_age",
        )
    return IdNumber(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def id_birth_date(number: str, today: dt.date) -> dt.date | None:
    """The birth date of an ID number already in canonical form (18 characters, digits, check
    character right) when validate_id_number(number, today=today) accepts it, else None: the
    same birth-date and working-age checks without the normalisation and python-stdnum's
    re-cleaning, for the roster's fast path (core/tests: a property test holds them equal)."""
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth > today:
        return None
    return birth if WORKER_MIN_AGE <= _age(birth, today) <= WORKER_MAX_AGE else None


def _age(birth: dt.date, today: dt.date) -> int:
    """Full years on `today` (a 29 February birthday comes on 1 March in common years)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def validate_uscc(value: str) -> str:
    code = normalise_text(value).upper()
    if not code:
        raise ValidationError(_("请填写统一社会信用代码"), code="required")
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        raise ValidationError(
            _("统一社会信用代码应为18位，您填写了%(count)d位") % {"count": len(code)},
            code="uscc_wrong_length",
        ) from exc
    except InvalidFormat as exc:
        raise ValidationError(_("统一社会信用代码含有不允许的字符"), code="uscc_bad_format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("统一社会信用代码校验位不正确"), code="uscc_bad_check") from exc


def validate_mobile(value: str) -> str:
    """Return the 11-digit mainland mobile number, accepting +86 / 0086 prefixes."""
    digits = normalise_text(value)
    if not digits:
        raise ValidationError(_("请填写手机号码"), code="required")
    digits = digits.removeprefix("+").removeprefix("0086")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not digits.isdigit():
        raise ValidationError(_("手机号码只能包含数字"), code="phone_bad_format")
    if len(digits) != 11:
        raise ValidationError(
            _("手机号码应为11位，您填写了%(count)d位") % {"count": len(digits)},
            code="phone_wrong_length",
        )
    if not is_mobile_number(digits):
        raise ValidationError(_("这不是一个有效的手机号码"), code="phone_invalid")
    return digits


# What phonenumbers says about each 7-digit number segment (号段) met so far, shared by the
# process: its answer for an 11-digit number starting with 1 depends on at most the first five
# digits (members/tests/test_roster.py samples every 5-digit prefix), and asking it costs about
# as much as the rest of a join's input checks. Bounded, as a cache must be.
_MOBILE_SEGMENTS: dict[str, bool] = {}
_MOBILE_SEGMENTS_LIMIT = 100_000


def is_mobile_number(digits: str) -> bool:
    """Whether 11 digits are a valid mainland mobile number (phonenumbers: valid, and mobile or
    fixed-line-or-mobile), its answer kept per number segment."""
    if not (len(digits) == 11 and digits.isascii() and digits.isdigit() and digits[0] == "1"):
        return phonenumbers_says_mobile(digits)
    segment = digits[:7]
    known = _MOBILE_SEGMENTS.get(segment)
    if known is None:
        known = phonenumbers_says_mobile(digits)
        if len(_MOBILE_SEGMENTS) >= _MOBILE_SEGMENTS_LIMIT:
            _MOBILE_SEGMENTS.clear()
        _MOBILE_SEGMENTS[segment] = known
    return known


def phonenumbers_says_mobile(digits: str) -> bool:
    """phonenumbers' own answer, asked every time."""
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalise_region_code(value: str) -> str:
    """Statistical division codes are 9 digits; the 12-digit form has three trailing zeros."""
    code = normalise_text(str(value or ""))
    if len(code) == 12 and code.endswith("000"):
        code = code[:9]
    return code


# --- points -------------------------------------------------------------------------------------

CRS_CHOICES = ("wgs84", "gcj02")


def parse_coordinate(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def clean_point(lng_raw: Any, lat_raw: Any, crs: str, errors: FieldErrors) -> tuple[float, float] | None:
    """A WGS-84 point from input in `crs`; the position must be inside China (the product's area)."""
    lng, lat = parse_coordinate(lng_raw), parse_coordinate(lat_raw)
    if lng is None or not -180 <= lng <= 180:
        errors.add_code("lng", _("经度应是 -180 到 180 之间的数字"), "bad_lng")
    if lat is None or not -90 <= lat <= 90:
        errors.add_code("lat", _("纬度应是 -90 到 90 之间的数字"), "bad_lat")
    if crs not in CRS_CHOICES:
        errors.add_code("crs", _("坐标系只能是 wgs84 或 gcj02"), "bad_crs")
        return None
    if lng is None or lat is None or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return None
    if out_of_china(lng, lat):
        errors.add_code("lng", _("坐标不在中国境内，请检查经纬度是否填反"), "outside_china")
        return None
    return gcj02_to_wgs84(lng, lat) if crs == "gcj02" else (lng, lat)
