"""Cleaning the console's target grid: one number per (region, indicator), blank = no change."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from gongyou.core.errors import FieldErrors
from gongyou.core.models import Region
from gongyou.insight.services import TARGET_MAX


def field_name(region: Region, indicator: str) -> str:
    return f"t-{region.code}-{indicator}"


def clean_target_grid(
    data: Mapping[str, str], regions: list[Region], indicators: list[str]
) -> tuple[list[tuple[Region, str, int]], FieldErrors]:
    """Every filled cell as (region, indicator, value); a cell that is not a whole number from 0
    to 10⁹ is an error under its field name (commas and spaces allowed, as people type them)."""
    errors = FieldErrors()
    values = []
    for region in regions:
        for indicator in indicators:
            name = field_name(region, indicator)
            raw = (data.get(name) or "").replace(",", "").replace("，", "").strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) > TARGET_MAX:
                errors.add_code(name, _("目标值应为0到10亿之间的整数"), "invalid")
                continue
            values.append((region, indicator, int(raw)))
    return values, errors
