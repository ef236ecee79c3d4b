"""Cleaning of campaign, allocation, insurance-plan and photo input from any channel, every
field's error at once with a stable code (STYLE §5). No floats: money arrives as integer fen."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from gongyou.benefits.vocab import AppointmentKind, CampaignKind, CampaignStatus
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Region

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class Audience:
    """Who may receive a campaign; an empty list means "no restriction"."""

    industries: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)
    labor_relations: list[str] = field(default_factory=list)
    min_member_days: int = 0


@dataclass(frozen=True)
class CleanCampaign:
    kind: str
    title: str
    description: str
    items: str
    funding_source: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    quota: int
    audience: Audience
    status: str


@dataclass(frozen=True)
class CleanPlan:
    name: str
    insurer: str
    cover_summary: str
    premium_fen: int
    union_share_fen: int
    platform_share_fen: int
    worker_share_fen: int
    enrol_from: dt.date
    enrol_until: dt.date
    cover_from: dt.date
    cover_until: dt.date


@dataclass(frozen=True)
class CleanPhoto:
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def clean_count(value: Any) -> int | None:
    """A non-negative whole number given as an int or digits; never a float or a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _aware(value: Any) -> dt.datetime | None:
    """ISO 8601 with an offset (the API contract); a naive value is read as Shanghai time."""
    if isinstance(value, dt.datetime):
        parsed: dt.datetime | None = value
    else:
        try:
            parsed = parse_datetime(str(value or "").strip())
        except ValueError:
            return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return parse_date(str(value or "").strip())
    except ValueError:
        return None


def _list(data: Mapping[str, Any], key: str, allowed: list[str], errors: FieldErrors, message: Any) -> list[str]:
    value = data.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors.add_code(key, _("应为代码列表"), "not_a_list")
        return []
    bad = [v for v in value if v not in allowed]
    if bad:
        errors.add_code(key, message, "bad_choice")
    return sorted(set(value))


def clean_audience(data: Mapping[str, Any] | None, errors: FieldErrors) -> Audience:
    data = data or {}
    if not isinstance(data, Mapping):
        errors.add_code("audience", _("服务对象条件格式不对"), "invalid")
        return Audience()
    industries = _list(data, "industries", list(Industry.values), errors, _("行业代码不对"))
    relations = _list(data, "labor_relations", list(LaborRelation.values), errors, _("用工关系代码不对"))
    codes = data.get("region_codes") or []
    region_codes: list[str] = []
    if not isinstance(codes, (list, tuple)) or not all(isinstance(c, str) for c in codes):
        errors.add_code("region_codes", _("应为代码列表"), "not_a_list")
    else:
        region_codes = sorted({c.strip() for c in codes})
        wrong_shape = [c for c in region_codes if not (c.isdigit() and len(c) in (6, 9))]
        known = set(
            Region.objects.filter(code__in=region_codes, level__in=[Region.Level.DISTRICT, Region.Level.STREET]).values_list(
                "code", flat=True
            )
        )
        if wrong_shape or set(region_codes) - known:
            errors.add_code("region_codes", _("区域代码应为区（6位）或街镇（9位）代码"), "unknown_region")
    days = clean_count(data.get("min_member_days", 0) or 0)
    if days is None:
        errors.add_code("min_member_days", _("最短入会天数应为不小于0的整数"), "invalid")
        days = 0
    return Audience(industries, region_codes, relations, days)


def clean_campaign(data: Mapping[str, Any]) -> CleanCampaign:
    errors = FieldErrors()
    kind = _text(data, "kind")
    if kind not in CampaignKind.values:
        errors.add_code("kind", _("请选择活动类型"), "bad_kind" if kind else "required")
    title = _text(data, "title")
    if not title:
        errors.add_code("title", _("请填写活动名称"), "required")
    elif len(title) > 128:
        errors.add_code("title", _("活动名称不能超过128个字"), "too_long")
    items = _text(data, "items")
    funding = _text(data, "funding_source")
    for key, value in (("items", items), ("funding_source", funding)):
        if len(value) > 200:
            errors.add_code(key, _("不能超过200个字"), "too_long")
    starts_at, ends_at = _aware(data.get("starts_at")), _aware(data.get("ends_at"))
    if starts_at is None:
        errors.add_code("starts_at", _("开始时间格式不对（ISO 8601，带时区）"), "invalid")
    if ends_at is None:
        errors.add_code("ends_at", _("结束时间格式不对（ISO 8601，带时区）"), "invalid")
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add_code("ends_at", _("结束时间应晚于开始时间"), "before_start")
    quota = clean_count(data.get("quota"))
    if quota is None:
        errors.add_code("quota", _("名额应为不小于0的整数"), "invalid")
    status = _text(data, "status") or CampaignStatus.PUBLISHED
    if status not in (CampaignStatus.DRAFT, CampaignStatus.PUBLISHED):
        errors.add_code("status", _("新活动只能是草稿或已发布"), "bad_status")
    audience = clean_audience(data.get("audience"), errors)
    errors.raise_if_any()
    assert starts_at is not None and ends_at is not None and quota is not None
    return CleanCampaign(kind, title, _text(data, "description"), items, funding, starts_at, ends_at, quota, audience, status)


def clean_plan(data: Mapping[str, Any]) -> CleanPlan:
    """The premium and the union and platform shares are given; the worker's share is given too
    and must make the three sum exactly to the premium, never rounded."""
    errors = FieldErrors()
    texts = {key: _text(data, key) for key in ("name", "insurer", "cover_summary")}
    for key, value in texts.items():
        if not value:
            errors.add_code(key, _("必填"), "required")
        elif key != "cover_summary" and len(value) > 128:
            errors.add_code(key, _("不能超过128个字"), "too_long")
    money: dict[str, int] = {}
    for key in ("premium_fen", "union_share_fen", "platform_share_fen", "worker_share_fen"):
        fen = clean_count(data.get(key))
        if fen is None or fen > 10**9:
            errors.add_code(key, _("金额应为不小于0的整数（单位：分）"), "invalid_fen")
        else:
            money[key] = fen
    if len(money) == 4 and money["union_share_fen"] + money["platform_share_fen"] + money["worker_share_fen"] != money["premium_fen"]:
        errors.add_code("worker_share_fen", _("工会、平台、个人承担部分之和必须等于保费"), "shares_do_not_sum")
    dates = {key: _date(data.get(key)) for key in ("enrol_from", "enrol_until", "cover_from", "cover_until")}
    for key, day in dates.items():
        if day is None:
            errors.add_code(key, _("日期格式应为 YYYY-MM-DD"), "invalid")
    if dates["enrol_from"] and dates["enrol_until"] and dates["enrol_until"] < dates["enrol_from"]:
        errors.add_code("enrol_until", _("投保截止日不能早于开始日"), "before_start")
    if dates["cover_from"] and dates["cover_until"] and dates["cover_until"] < dates["cover_from"]:
        errors.add_code("cover_until", _("保障截止日不能早于开始日"), "before_start")
    errors.raise_if_any()
    return CleanPlan(**texts, **money, **dates)  # type: ignore[arg-type]


def check_photo(file_name: str, size_bytes: int, head: bytes, content: bytes | None = None) -> CleanPhoto:
    """An incident photo: JPEG or PNG by its first bytes (not by the name the phone gave it),
    at most 5 MB."""
    errors = FieldErrors()
    if size_bytes <= 0:
        errors.add_code("photo", _("照片是空的"), "empty")
    elif size_bytes > MAX_PHOTO_BYTES:
        errors.add_code("photo", _("照片不能超过 5 MB"), "too_large")
    content_type = next((ct for sig, ct in PHOTO_SIGNATURES.items() if head.startswith(sig)), None)
    if content_type is None:
        errors.add_code("photo", _("照片只能是 JPEG 或 PNG"), "bad_type")
    errors.raise_if_any()
    assert content_type is not None
    digest = hashlib.sha256(content if content is not None else head).hexdigest()
    return CleanPhoto(file_name.strip()[:120] or "photo", content_type, size_bytes, digest)


def field_error(field_name: str, message: Any, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field_name: [error]})


@dataclass(frozen=True)
class CleanSlot:
    kind: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


def clean_slot(data: Mapping[str, Any]) -> CleanSlot:
    """An appointment slot as staff enter it: a kind, a place, a period and a positive capacity."""
    errors = FieldErrors()
    kind = _text(data, "kind")
    if kind not in AppointmentKind.values:
        errors.add_code("kind", _("请选择预约类型"), "bad_kind" if kind else "required")
    place = _text(data, "place")
    if not place:
        errors.add_code("place", _("必填"), "required")
    elif len(place) > 200:
        errors.add_code("place", _("不能超过200个字"), "too_long")
    starts_at, ends_at = _aware(data.get("starts_at")), _aware(data.get("ends_at"))
    for key, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None:
            errors.add_code(key, _("时间格式不对"), "invalid")
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add_code("ends_at", _("结束时间应晚于开始时间"), "before_start")
    capacity = clean_count(data.get("capacity"))
    if not capacity:
        errors.add_code("capacity", _("名额应为正整数"), "invalid")
    errors.raise_if_any()
    assert starts_at is not None and ends_at is not None and capacity is not None
    return CleanSlot(kind, place, starts_at, ends_at, capacity)


PLAN_MONEY = ("premium_fen", "union_share_fen", "platform_share_fen", "worker_share_fen")


def yuan_to_fen(text: Any) -> int | None:
    """"120", "120.5" or "120.50" yuan → 12050 fen, exactly (digits, never a float); None for
    anything else (a sign, a third decimal, thousands separators, more than 10 million yuan)."""
    value = str(text if text is not None else "").strip()
    whole, dot, cents = value.partition(".")
    if not (whole.isascii() and whole.isdigit() and len(whole) <= 7):
        return None
    if dot and not (cents.isascii() and cents.isdigit() and 1 <= len(cents) <= 2):
        return None
    return int(whole) * 100 + int(cents.ljust(2, "0") if dot else "0")


def clean_plan_in_yuan(data: Mapping[str, Any]) -> CleanPlan:
    """The staff form's plan: the premium and its three shares typed in yuan (up to 2 decimals),
    converted exactly to fen, then the rules of clean_plan (the shares sum to the premium)."""
    errors = FieldErrors()
    converted = {key: data.get(key) for key in ("name", "insurer", "cover_summary", "enrol_from", "enrol_until", "cover_from", "cover_until")}
    for key in PLAN_MONEY:
        fen = yuan_to_fen(data.get(key.replace("_fen", "_yuan")))
        if fen is None:
            errors.add_code(key, _("金额应为元，最多两位小数"), "invalid_yuan")
        converted[key] = fen if fen is not None else 0
    try:
        plan = clean_plan(converted)
    except ValidationError as exc:
        unparsed = bool(errors.errors)
        for name, items in exc.error_dict.items():
            for item in items:
                if not (unparsed and item.code == "shares_do_not_sum"):  # a sum over amounts that did not parse says nothing
                    errors.add(name, item)
        errors.raise_if_any()
        raise
    errors.raise_if_any()
    return plan
