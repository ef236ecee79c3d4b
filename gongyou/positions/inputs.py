"""Cleaning position data from the staff form and Excel rows, and the parameters of a nearby
search: every field's error at once."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongyou.core.errors import ErrorDict, FieldErrors
from gongyou.core.models import Org, Region
from gongyou.core.validators import clean_point, normalise_region_code
from gongyou.positions.hours import Schedule, clean_schedule, parse_hours
from gongyou.positions.vocab import Amenity, Kind, Status

_TRUE = {"1", "true", "yes", "y", "是", "√", "on"}
_FALSE = {"", "0", "false", "no", "n", "否", "off"}
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
# The nearby search (public API and the portal's station finder).
MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 20
_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


@dataclass
class CleanPosition:
    code: str
    name: str
    kind: str
    org: Org
    street: Region
    address: str
    lng: float
    lat: float
    weekly_hours: Schedule
    open_24h: bool
    closed_on_holidays: bool
    amenities: list[str]
    contact_phone: str
    status: str
    note: str

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "org": self.org,
            "street": self.street,
            "address": self.address,
            "lng": self.lng,
            "lat": self.lat,
            "weekly_hours": self.weekly_hours,
            "open_24h": self.open_24h,
            "closed_on_holidays": self.closed_on_holidays,
            "amenity_codes": amenity_codes_text(self.amenities),
            "contact_phone": self.contact_phone,
            "status": self.status,
            "note": self.note,
        }


def amenity_codes_text(codes: Collection[str]) -> str:
    ordered = [c for c in Amenity.values if c in set(codes)]
    return f",{','.join(ordered)}," if ordered else ""


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _choice(value: str, choices: list[tuple[str, Any]]) -> str | None:
    """A choice by its code or by its label in any UI language (what a spreadsheet shows)."""
    from django.conf import settings
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                if value in (code, str(label)):
                    return code
    return None


def parse_flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_amenities(value: Any) -> tuple[list[str], list[str]]:
    """(known codes, unknown words) from a list or '微波炉、饮水机' / 'microwave,water'."""
    items = value if isinstance(value, list | tuple) else re.split(r"[、,，;；/\s]+", str(value or ""))
    known: list[str] = []
    unknown: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        code = _choice(item, list(Amenity.choices))
        (known if code else unknown).append(code or item)
    return sorted(set(known)), unknown


# Federations that stand for a territory: the positions they manage lie in it. Enterprise,
# industry and other unions may run stations anywhere (a platform's stations across the city).
TERRITORIAL_KINDS = (Org.Kind.DISTRICT_FEDERATION, Org.Kind.STREET_FEDERATION, Org.Kind.STREET_UNION)


def street_in_territory(org: Org, street: Region) -> bool:
    """Whether a territorial federation's area (its district, or its street) contains the street;
    always true for other orgs. Ids only: no query per spreadsheet row."""
    if org.kind not in TERRITORIAL_KINDS:
        return True
    return org.region_id in (street.pk, street.parent_id)


def clean_position(
    data: Mapping[str, Any],
    *,
    orgs: Mapping[str, Org],
    streets: Mapping[str, Region],
) -> CleanPosition:
    """`orgs` maps an org id (as text) and its exact name to the orgs the actor may manage;
    anything else is "not found", exactly like a missing org."""
    errors = FieldErrors()

    code = _text(data, "code")
    if len(code) > 40:
        errors.add_code("code", _("阵地编号不能超过40个字符"), "too_long")
    name = _text(data, "name")
    if not name:
        errors.add_code("name", _("请填写名称"), "required")
    elif len(name) > 128:
        errors.add_code("name", _("名称太长了"), "too_long")
    kind = _choice(_text(data, "kind"), list(Kind.choices))
    if kind is None:
        errors.add_code("kind", _("请选择阵地类型"), "bad_kind")

    org_key = data.get("org")
    org = org_key if isinstance(org_key, Org) else orgs.get(_text(data, "org"))
    if org is None or (isinstance(org_key, Org) and str(org_key.pk) not in orgs):
        errors.add_code("org", _("找不到这个管理工会，或不在你的管理范围内"), "unknown_org")
        org = None

    street_key = data.get("street")
    street = street_key if isinstance(street_key, Region) else streets.get(normalise_region_code(_text(data, "street")))
    if street is None or street.level != Region.Level.STREET:
        errors.add_code("street", _("找不到这个街镇代码"), "unknown_street")
        street = None

    if org is not None and street is not None and not street_in_territory(org, street):
        errors.add_code("street", _("这个街镇不在%(org)s的辖区内") % {"org": org.name}, "street_outside_territory")

    address = _text(data, "address")
    if not address:
        errors.add_code("address", _("请填写地址"), "required")
    elif len(address) > 200:
        errors.add_code("address", _("地址太长了"), "too_long")

    point = clean_point(data.get("lng"), data.get("lat"), _text(data, "crs") or "gcj02", errors)

    flags = {}
    for key in ("open_24h", "closed_on_holidays"):
        flags[key] = parse_flag(data.get(key))
        if flags[key] is None:
            errors.add_code(key, _("请填写“是”或“否”"), "bad_flag")

    schedule: Schedule = {}
    raw_hours = data.get("weekly_hours")
    try:
        schedule = clean_schedule(raw_hours) if isinstance(raw_hours, Mapping) else parse_hours(str(raw_hours or ""))
    except ValidationError as exc:
        errors.errors.setdefault("weekly_hours", []).extend(exc.error_dict["weekly_hours"])
    if not schedule and not flags.get("open_24h") and "weekly_hours" not in errors.errors:
        errors.add_code("weekly_hours", _("请填写开放时间，或勾选“24小时开放”"), "required")

    amenities, unknown = parse_amenities(data.get("amenities"))
    if unknown:
        errors.add_code("amenities", _("无法识别的设施：%(names)s") % {"names": "、".join(unknown)}, "unknown_amenity")

    phone = _text(data, "contact_phone")
    if phone and not _PHONE.match(phone):
        errors.add_code("contact_phone", _("联系电话格式不对"), "bad_phone")

    status = _choice(_text(data, "status") or Status.OPEN, list(Status.choices))
    if status is None:
        errors.add_code("status", _("状态取值无效"), "bad_status")

    note = _text(data, "note")
    if len(note) > 200:
        errors.add_code("note", _("备注不能超过200个字符"), "too_long")

    errors.raise_if_any()
    assert org is not None and street is not None and point is not None and kind and status
    return CleanPosition(
        code=code,
        name=name,
        kind=kind,
        org=org,
        street=street,
        address=address,
        lng=round(point[0], 7),
        lat=round(point[1], 7),
        weekly_hours=schedule,
        open_24h=bool(flags["open_24h"]),
        closed_on_holidays=bool(flags["closed_on_holidays"]),
        amenities=amenities,
        contact_phone=phone,
        status=status,
        note=note,
    )


class NearbyParams:
    """Query parameters, with every error collected at once."""

    def __init__(self, query: Any) -> None:
        self.errors: ErrorDict = {}
        self.lng = self._coordinate(query, "lng", 180)
        self.lat = self._coordinate(query, "lat", 90)
        self.crs = (query.get("crs") or "wgs84").strip().lower()
        if self.crs not in ("wgs84", "gcj02"):
            self._add("crs", "bad_crs", _("坐标系只能是 wgs84 或 gcj02"))
        self.limit = self._integer(query, "limit", DEFAULT_LIMIT, 1, 100)
        self.radius_m = self._integer(query, "radius_m", None, 1, MAX_RADIUS_M)
        self.amenities: list[str] = []
        for raw in query.getlist("amenity"):
            for code in (c.strip() for c in raw.split(",")):
                if code in Amenity.values:
                    self.amenities.append(code)
                elif code:
                    self._add("amenity", "unknown_amenity", _("未知的设施：%(code)s") % {"code": code[:40]})
        self.kinds: list[str] = []
        for raw in query.getlist("type"):
            for code in (c.strip() for c in raw.split(",")):
                if code in Kind.values:
                    self.kinds.append(code)
                elif code:
                    self._add("type", "unknown_type", _("未知的阵地类型：%(code)s") % {"code": code[:40]})
        self.open_now: bool | None = None
        raw_open = query.get("open_now")
        # Present means a boolean: an empty value is refused like any other non-boolean (the API
        # declares the parameter boolean; the portal's checkbox sends "true" or nothing).
        if raw_open is not None:
            if raw_open.strip().lower() not in _BOOLS:
                self._add("open_now", "bad_boolean", _("open_now 只能是 true 或 false"))
            else:
                self.open_now = _BOOLS[raw_open.strip().lower()] or None  # false means "don't filter"

    def _add(self, field: str, code: str, message: object) -> None:
        self.errors.setdefault(field, []).append({"code": code, "message": str(message)})

    def _coordinate(self, query: Any, name: str, bound: float) -> float:
        raw = query.get(name)
        if raw in (None, ""):
            self._add(name, "required", _("缺少参数 %(name)s") % {"name": name})
            return math.nan
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._add(name, "invalid", _("%(name)s 必须是数字") % {"name": name})
        elif not -bound <= value <= bound:
            self._add(name, "out_of_range", _("%(name)s 超出范围（±%(bound)s）") % {"name": name, "bound": bound})
        return value

    def _integer(self, query: Any, name: str, default: int | None, low: int, high: int) -> int | None:
        raw = query.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            self._add(name, "invalid", _("%(name)s 必须是整数") % {"name": name})
            return default
        if not low <= value <= high:
            self._add(
                name,
                "out_of_range",
                _("%(name)s 应在 %(low)s 到 %(high)s 之间") % {"name": name, "low": low, "high": high},
            )
        return value
