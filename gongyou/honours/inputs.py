"""Cleaning what staff type for competitions, results and nominations: every field's error at
once with a stable code (STYLE §5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from gongyou.core.choices import Industry
from gongyou.core.errors import FieldErrors
from gongyou.core.errors import text_field as _text
from gongyou.honours.vocab import COLLECTIVE, HonourKind

FIRST_YEAR = 2000


@dataclass(frozen=True)
class CleanCompetition:
    title: str
    industry: str
    held_on: dt.date
    place: str
    description: str


def clean_competition(data: Mapping[str, Any]) -> CleanCompetition:
    errors = FieldErrors()
    title = _text(data, "title", 160, errors)
    industry = str(data.get("industry") or "").strip()
    if industry and industry not in Industry.values:
        errors.add_code("industry", _("请选择行业"), "bad_industry")
    held_on = None
    raw = str(data.get("held_on") or "").strip()
    try:
        held_on = parse_date(raw) if raw else None
    except ValueError:
        held_on = None
    if held_on is None:
        errors.add_code("held_on", _("日期格式应为 YYYY-MM-DD"), "invalid_date")
    place = _text(data, "place", 200, errors, required=False)
    description = _text(data, "description", 4000, errors, required=False)
    errors.raise_if_any()
    assert held_on is not None
    return CleanCompetition(title, industry, held_on, place, description)


@dataclass(frozen=True)
class CleanNomination:
    kind: str
    year: int
    member_no: str  # "" for a collective honour
    team: str
    industry: str  # the team's (a member's comes from the registry)
    citation: str


def clean_nomination(data: Mapping[str, Any], *, this_year: int) -> CleanNomination:
    """A member by number for a personal honour; a team's name and industry for a collective one."""
    errors = FieldErrors()
    kind = str(data.get("kind") or "").strip()
    if kind not in HonourKind.values:
        errors.add_code("kind", _("请选择荣誉"), "bad_kind")
    raw_year = str(data.get("year") or "").strip()
    year = int(raw_year) if raw_year.isdigit() else 0
    if not FIRST_YEAR <= year <= this_year + 1:
        errors.add_code("year", _("年度应在 %(a)s 到 %(b)s 之间") % {"a": FIRST_YEAR, "b": this_year + 1}, "bad_year")
    member_no = str(data.get("member_no") or "").strip().upper()
    team = _text(data, "team", 120, errors, required=False)
    industry = str(data.get("industry") or "").strip()
    if kind in COLLECTIVE:
        if not team:
            errors.add_code("team", _("集体荣誉请填写集体名称"), "team_required")
        if industry not in Industry.values:
            errors.add_code("industry", _("请选择行业"), "bad_industry")
        member_no = ""
    elif kind:
        if not member_no:
            errors.add_code("member_no", _("请填写会员编号"), "member_required")
        team = ""
    citation = _text(data, "citation", 4000, errors, required=False)
    errors.raise_if_any()
    return CleanNomination(kind, year, member_no, team, industry, citation)
