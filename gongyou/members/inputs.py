"""Cleaning of worker data as it arrives from any channel, collecting every field's error at
once so a form or an API caller can fix everything in one go."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongyou.core import crypto
from gongyou.core.choices import INDUSTRY_CODES, LABOR_RELATION_CODES, Industry, LaborRelation
from gongyou.core.errors import FieldErrors
from gongyou.core.models import Enterprise, Region, Station
from gongyou.core.streets import street_by_code
from gongyou.core.validators import (
    clean_text,
    normalise_region_code,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from gongyou.members.work import WorkContext


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
    def work(self) -> WorkContext:
        return WorkContext(self.street, self.industry, self.labor_relation, self.employer, self.station)

    @property
    def id_hash(self) -> str:
        return crypto.id_hash(self.id_number)

    @property
    def phone_hash(self) -> str:
        return crypto.phone_hash(self.phone)


# How Excel shows a number too long to keep exactly (an ID number typed into a General cell).
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+", re.IGNORECASE)


def stored_as_number(value: Any) -> bool:
    """An ID number that went through a spreadsheet as a number: a float, or the text Excel
    shows for it (3.10104199001011E+17). Its last digits are lost, so no check can be right."""
    return isinstance(value, float) or (isinstance(value, str) and bool(_SCIENTIFIC.fullmatch(value.strip())))


def _unknown_choice(message: Any, value: str, choices: type[Industry] | type[LaborRelation]) -> str:
    allowed = "、".join(f"{label}（{code}）" for code, label in choices.choices)
    return str(message) % {"value": value} + str(_("，可填：%(allowed)s")) % {"allowed": allowed}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


WORK_FIELDS = ("street_code", "industry", "labor_relation", "employer_uscc", "station_code")
TEXT_FIELDS = ("name", "id_number", "phone", "external_id", "consent_version", *WORK_FIELDS)


def _read_texts(data: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[dict[str, Any], FieldErrors]:
    """The fields as clean text (core.validators.clean_text), and the errors of those that are
    not text at all: a list, an object, a boolean, control characters, broken Unicode. Only a
    name must be a string; the digit fields may come as JSON integers."""
    texts: dict[str, Any] = {}
    bad = FieldErrors()
    for key in keys:
        value = data.get(key)
        if key == "id_number" and stored_as_number(value):
            texts[key] = value  # reported with its own code below
            continue
        try:
            texts[key] = clean_text(value, numbers=key != "name")
        except ValidationError as exc:
            bad.add(key, exc)
    return texts, bad


def _with_text_errors(errors: FieldErrors, bad: FieldErrors) -> None:
    """A field that was not text has that error only (not also "required")."""
    errors.errors.update(bad.errors)


class Lookups:
    """Caches streets, stations and enterprises so a 5,000-row batch does a handful of queries."""

    def __init__(self) -> None:
        self._streets: dict[str, Region] | None = None
        self._street_by_code: dict[str, Region | None] = {}
        self._stations: dict[str, Station | None] = {}
        self._enterprises: dict[str, Enterprise | None] = {}

    @property
    def streets(self) -> dict[str, Region]:
        """Every street by code, loaded once (a batch meets many)."""
        if self._streets is None:
            self._streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
        return self._streets

    def street(self, code: str) -> Region | None:
        """One street: from the full map when a batch has loaded it, else by code from the
        process's kept streets (core.streets) — a single join (the partner API, a form) must not
        build ~200 Region objects, nor ask the database for a street it already knows."""
        if self._streets is not None:
            return self._streets.get(code)
        if code not in self._street_by_code:
            self._street_by_code[code] = street_by_code(code)
        return self._street_by_code[code]

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
    data, bad = _read_texts(data, TEXT_FIELDS)

    name = _text(data, "name")
    if not name:
        errors.add_code("name", _("请填写姓名"), "required")
    elif len(name) > 64:
        errors.add_code("name", _("姓名太长了"), "too_long")

    id_info = None
    if stored_as_number(data.get("id_number")):
        errors.add_code("id_number", _("Excel 把身份证号存成了数字，请把该列设为文本后重新导出"), "id_number_as_number")
    else:
        try:
            id_info = validate_id_number(_text(data, "id_number"))
        except ValidationError as exc:
            errors.add("id_number", exc)

    phone = ""
    try:
        phone = validate_mobile(_text(data, "phone"))
    except ValidationError as exc:
        errors.add("phone", exc)

    work = _work(data, errors, lookups, default_employer)

    external_id = _text(data, "external_id")
    if len(external_id) > 64:
        errors.add_code("external_id", _("外部编号不能超过64个字符"), "too_long")

    consent_version = _text(data, "consent_version")
    if require_consent and not consent_version:
        errors.add_code("consent_version", _("入会前需要阅读并同意隐私告知"), "consent_required")
    elif len(consent_version) > 20:
        errors.add_code("consent_version", _("隐私告知版本号不能超过20个字符"), "too_long")

    _with_text_errors(errors, bad)
    errors.raise_if_any()
    assert id_info is not None and work is not None
    return CleanWorker(
        name=name,
        id_number=id_info.number,
        birth_date=id_info.birth_date,
        sex=id_info.sex,
        phone=phone,
        street=work.street,
        industry=work.industry,
        labor_relation=work.labor_relation,
        employer=work.employer,
        station=work.station,
        external_id=external_id,
        consent_version=consent_version,
    )


def clean_work(
    data: Mapping[str, Any], *, default_employer: Enterprise | None = None, lookups: Lookups | None = None
) -> WorkContext:
    """The work fields alone (street_code, industry, labor_relation, employer_uscc, station_code),
    cleaned exactly as clean_worker cleans them: a transfer asks for a new job, not a new person."""
    errors = FieldErrors()
    data, bad = _read_texts(data, WORK_FIELDS)
    work = _work(data, errors, lookups or Lookups(), default_employer)
    _with_text_errors(errors, bad)
    errors.raise_if_any()
    assert work is not None
    return work


def _work(
    data: Mapping[str, Any], errors: FieldErrors, lookups: Lookups, default_employer: Enterprise | None
) -> WorkContext | None:
    street = None
    street_code = normalise_region_code(_text(data, "street_code"))
    if not street_code:
        errors.add_code("street_code", _("请选择工作所在街镇"), "required")
    else:
        street = lookups.street(street_code)
        if street is None:
            errors.add_code("street_code", _("找不到这个街镇代码"), "unknown_street")

    industry = _text(data, "industry")
    if not industry:
        errors.add_code("industry", _("请选择所在行业"), "required")
    elif industry not in INDUSTRY_CODES:
        errors.add_code("industry", _unknown_choice(_("无法识别的行业“%(value)s”"), industry, Industry), "bad_industry")

    labor_relation = _text(data, "labor_relation")
    if not labor_relation:
        errors.add_code("labor_relation", _("请选择用工关系"), "required")
    elif labor_relation not in LABOR_RELATION_CODES:
        errors.add_code(
            "labor_relation",
            _unknown_choice(_("无法识别的用工关系“%(value)s”"), labor_relation, LaborRelation),
            "bad_labor_relation",
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

    if street is None or any(f in errors.errors for f in WORK_FIELDS):
        return None
    return WorkContext(street, industry, labor_relation, employer, station)
