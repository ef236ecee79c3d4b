"""Cleaning of worker data as it arrives from any channel, collecting every field's error at
once so a form or an API caller can fix everything in one go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.core.choices import Industry, LaborRelation
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Enterprise, Region, Station
from gongyou.core.validators import (
    normalise_region_code,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)


@dataclass
class CleanWorker:
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    phone: str
    street: Region
    industry: str
    labor_relation: str
    employer: Enterprise | None
    station: Station | None
    external_id: str
    consent_version: str

    @property
    def id_hash(self) -> str:
        return crypto.id_hash(self.id_number)

    @property
    def phone_hash(self) -> str:
        return crypto.phone_hash(self.phone)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


class Lookups:
    """Caches streets, stations and enterprises so a 5,000-row batch does a handful of queries."""

    def __init__(self) -> None:
        self.streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
        self._stations: dict[str, Station | None] = {}
        self._enterprises: dict[str, Enterprise | None] = {}

    def prefetch(self, station_codes: set[str], usccs: set[str]) -> None:
        for s in Station.objects.filter(code__in=station_codes - set(self._stations)):
            self._stations[s.code] = s
        for e in Enterprise.objects.filter(uscc__in=usccs - set(self._enterprises)):
            self._enterprises[e.uscc] = e

    def station(self, code: str) -> Station | None:
        if code not in self._stations:
            self._stations[code] = Station.objects.filter(code=code).first()
        return self._stations[code]

    def enterprise(self, uscc: str) -> Enterprise | None:
        if uscc not in self._enterprises:
            self._enterprises[uscc] = Enterprise.objects.filter(uscc=uscc).first()
        return self._enterprises[uscc]


def clean_worker(
    data: Mapping[str, Any],
    *,
    require_consent: bool = True,
    default_employer: Enterprise | None = None,
    lookups: Lookups | None = None,
) -> CleanWorker:
    lookups = lookups or Lookups()
    errors = FieldErrors()

    name = _text(data, "name")
    if not name:
        errors.add_code("name", _("请填写姓名"), "required")
    elif len(name) > 64:
        errors.add_code("name", _("姓名太长了"), "too_long")

    id_info = None
    try:
        id_info = validate_id_number(_text(data, "id_number"))
    except ValidationError as exc:
        errors.add("id_number", exc)

    phone = ""
    try:
        phone = validate_mobile(_text(data, "phone"))
    except ValidationError as exc:
        errors.add("phone", exc)

    street = None
    street_code = normalise_region_code(_text(data, "street_code"))
    if not street_code:
        errors.add_code("street_code", _("请选择工作所在街镇"), "required")
    else:
        street = lookups.streets.get(street_code)
        if street is None:
            errors.add_code("street_code", _("找不到这个街镇代码"), "unknown_street")

    industry = _text(data, "industry")
    if industry not in Industry.values:
        errors.add_code("industry", _("请选择所在行业"), "bad_industry" if industry else "required")

    labor_relation = _text(data, "labor_relation")
    if labor_relation not in LaborRelation.values:
        errors.add_code(
            "labor_relation",
            _("请选择用工关系"),
            "bad_labor_relation" if labor_relation else "required",
        )

    employer = None
    employer_uscc = _text(data, "employer_uscc")
    if employer_uscc:
        try:
            employer = lookups.enterprise(validate_uscc(employer_uscc))
            if employer is None:
                errors.add_code("employer_uscc", _("平台上还没有这家企业"), "unknown_enterprise")
        except ValidationError as exc:
            errors.add("employer_uscc", exc)
    elif labor_relation == LaborRelation.EMPLOYEE:
        employer = default_employer

    station = None
    station_code = _text(data, "station_code")
    if station_code:
        station = lookups.station(station_code)
        if station is None:
            errors.add_code("station_code", _("找不到这个站点编码"), "unknown_station")

    external_id = _text(data, "external_id")
    if len(external_id) > 64:
        errors.add_code("external_id", _("外部编号不能超过64个字符"), "too_long")

    consent_version = _text(data, "consent_version")
    if require_consent and not consent_version:
        errors.add_code("consent_version", _("入会前需要阅读并同意隐私告知"), "consent_required")
    elif len(consent_version) > 20:
        errors.add_code("consent_version", _("隐私告知版本号不能超过20个字符"), "too_long")

    errors.raise_if_any()
    assert id_info is not None and street is not None
    return CleanWorker(
        name=name,
        id_number=id_info.number,
        birth_date=id_info.birth_date,
        sex=id_info.sex,
        phone=phone,
        street=street,
        industry=industry,
        labor_relation=labor_relation,
        employer=employer,
        station=station,
        external_id=external_id,
        consent_version=consent_version,
    )
