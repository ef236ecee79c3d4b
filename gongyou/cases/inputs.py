"""Cleaning what a worker, an officer or an API client sends before a case service runs: one
function for every channel, every field's errors at once in the one shape (STYLE, 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.cases.vocab import CaseType, Department, HardshipDecision, HardshipReason, ReferralOutcome, Topic
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Enterprise, Region, Station
from gongyou.core.validators import clean_text, normalise_region_code, validate_mobile, validate_uscc
from gongyou.members.models import Membership
from gongyou.members.numbers import is_valid_member_no

MAX_AMOUNT_FEN = 10**11  # a billion yuan: far above any claim, far below BIGINT trouble
MAX_WORKERS = 1_000_000


@dataclass(frozen=True)
class CleanCase:
    type: str
    title: str
    description: str
    topic: str
    membership: Membership | None
    name: str
    phone: str
    enterprise: Enterprise | None
    station: Station | None
    street: Region | None
    workers_involved: int
    amount_fen: int
    collective_action: bool


@dataclass(frozen=True)
class CleanHardship:
    reason: str
    household: str
    household_size: int
    monthly_income_fen: int
    amount_requested_fen: int


def _text(data: Mapping[str, Any], key: str, errors: FieldErrors, *, max_length: int, required: bool = False) -> str:
    try:
        text = clean_text(data.get(key))
    except ValidationError as exc:
        errors.add(key, exc)
        return ""
    if required and not text:
        errors.add_code(key, _("此项为必填项"), "required")
    elif len(text) > max_length:
        errors.add_code(key, _("不能超过 %(n)d 个字") % {"n": max_length}, "too_long")
    return text


def clean_whole(value: Any, key: str, errors: FieldErrors, *, default: int, minimum: int, maximum: int) -> int:
    """A whole number given as an int or digits; never a float, a fraction or a bool."""
    if value in (None, ""):
        return default
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        errors.add_code(key, _("应为 %(low)d 至 %(high)d 之间的整数") % {"low": minimum, "high": maximum}, "invalid_number")
        return default
    return value


def clean_flag(value: Any, key: str, errors: FieldErrors) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "off", "no"):
        return False
    errors.add_code(key, _("应为是或否"), "invalid_boolean")
    return False


def _choice(data: Mapping[str, Any], key: str, choices: list[str], errors: FieldErrors, *, default: str = "") -> str:
    value = data.get(key)
    if value in (None, "") and default:
        return default
    if not isinstance(value, str) or value not in choices:
        errors.add_code(key, _("请从列表中选择") if value not in (None, "") else _("此项为必填项"), "invalid_choice" if value not in (None, "") else "required")
        return default
    return value


def _membership(value: Any, errors: FieldErrors) -> Membership | None:
    number = str(value or "").strip().upper()
    if not is_valid_member_no(number):
        errors.add_code("member_no", _("会员编号不正确"), "invalid_member_no")
        return None
    membership = (
        Membership.objects.select_related("person", "org")
        .filter(member_no=number, status__in=Membership.OPEN_STATUSES)
        .first()
    )
    if membership is None:
        errors.add_code("member_no", _("没有这个会员编号的在册会员"), "unknown_member")
    return membership


def _enterprise(value: Any, errors: FieldErrors) -> Enterprise | None:
    if value in (None, ""):
        return None
    try:
        code = validate_uscc(str(value))
    except ValidationError as exc:
        errors.add("enterprise_uscc", exc)
        return None
    enterprise = Enterprise.objects.select_related("street").filter(uscc=code).first()
    if enterprise is None:
        errors.add_code("enterprise_uscc", _("没有登记这个统一社会信用代码的企业"), "unknown_enterprise")
    return enterprise


def _station(value: Any, errors: FieldErrors) -> Station | None:
    if value in (None, ""):
        return None
    station = Station.objects.select_related("street", "enterprise").filter(code=str(value).strip()).first()
    if station is None:
        errors.add_code("station_code", _("没有这个站点"), "unknown_station")
    return station


def _street(value: Any, errors: FieldErrors) -> Region | None:
    if value in (None, ""):
        return None
    street = Region.objects.filter(code=normalise_region_code(str(value)), level=Region.Level.STREET).first()
    if street is None:
        errors.add_code("street_code", _("没有这个街镇"), "unknown_street")
    return street


def clean_case(data: Mapping[str, Any], *, membership: Membership | None = None) -> CleanCase:
    """A new case. The worker is `membership` (a logged-in member), or `member_no`, or a name and
    a phone (someone who is not a member); one of them is required."""
    errors = FieldErrors()
    case_type = _choice(data, "type", list(CaseType.values), errors)
    title = _text(data, "title", errors, max_length=120, required=True)
    description = _text(data, "description", errors, max_length=5000, required=True)
    topic = _choice(data, "topic", list(Topic.values), errors, default=Topic.OTHER)
    name = phone = ""
    if membership is None and data.get("member_no") not in (None, ""):
        membership = _membership(data.get("member_no"), errors)
    elif membership is None:
        name = _text(data, "name", errors, max_length=64)
        raw_phone = data.get("phone")
        if not name and raw_phone in (None, ""):
            errors.add_code("member_no", _("请填写会员编号，或者姓名和手机号码"), "worker_required")
        else:
            if not name:
                errors.add_code("name", _("请填写姓名"), "required")
            try:
                phone = validate_mobile(str(raw_phone or ""))
            except ValidationError as exc:
                errors.add("phone", exc)
    enterprise = _enterprise(data.get("enterprise_uscc"), errors)
    station = _station(data.get("station_code"), errors)
    street = _street(data.get("street_code"), errors)
    workers = clean_whole(data.get("workers_involved"), "workers_involved", errors, default=1, minimum=1, maximum=MAX_WORKERS)
    amount = clean_whole(data.get("amount_fen"), "amount_fen", errors, default=0, minimum=0, maximum=MAX_AMOUNT_FEN)
    collective = clean_flag(data.get("collective_action"), "collective_action", errors)
    errors.raise_if_any()
    if station is not None and enterprise is None:
        enterprise = station.enterprise
    return CleanCase(
        type=case_type,
        title=title,
        description=description,
        topic=topic,
        membership=membership,
        name=name,
        phone=phone,
        enterprise=enterprise,
        station=station,
        street=street,
        workers_involved=workers,
        amount_fen=amount,
        collective_action=collective,
    )


def clean_hardship(data: Mapping[str, Any]) -> CleanHardship:
    errors = FieldErrors()
    reason = _choice(data, "reason", list(HardshipReason.values), errors)
    household = _text(data, "household", errors, max_length=2000)
    size = clean_whole(data.get("household_size"), "household_size", errors, default=1, minimum=1, maximum=30)
    income = clean_whole(data.get("monthly_income_fen"), "monthly_income_fen", errors, default=0, minimum=0, maximum=MAX_AMOUNT_FEN)
    requested = clean_whole(
        data.get("amount_requested_fen"), "amount_requested_fen", errors, default=0, minimum=0, maximum=MAX_AMOUNT_FEN
    )
    errors.raise_if_any()
    return CleanHardship(reason, household, size, income, requested)


def clean_note(value: Any, key: str = "note", max_length: int = 2000) -> str:
    errors = FieldErrors()
    text = _text({key: value}, key, errors, max_length=max_length)
    errors.raise_if_any()
    return text


def clean_department(value: Any) -> str:
    errors = FieldErrors()
    department = _choice({"department": value}, "department", list(Department.values), errors)
    errors.raise_if_any()
    return department


def clean_referral_outcome(value: Any) -> str:
    errors = FieldErrors()
    outcome = _choice({"outcome": value}, "outcome", list(ReferralOutcome.values), errors)
    errors.raise_if_any()
    return outcome


def clean_decision(value: Any) -> str:
    errors = FieldErrors()
    allowed = [HardshipDecision.APPROVED.value, HardshipDecision.DECLINED.value]
    decision = _choice({"decision": value}, "decision", allowed, errors)
    errors.raise_if_any()
    return decision


def clean_day(value: Any, key: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({key: [ValidationError(_("请填写日期"), code="required")]})
        return None
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ValidationError({key: [ValidationError(_("日期格式应为 YYYY-MM-DD"), code="invalid_date")]}) from exc
    if day > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({key: [ValidationError(_("日期不能晚于今天"), code="future_date")]})
    return day
