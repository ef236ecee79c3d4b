"""Choices for the district → street picker and the employer list.

The picker works as two plain <select>s (a form re-post refreshes the streets when JS is off);
htmx only swaps the street list in place and filters it by a typed name.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongyou.core.models import Enterprise, Region

Choices = list[tuple[str, str]]


def districts() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")


def district_choices() -> Choices:
    return [("", _("请选择区"))] + [(r.code, r.name) for r in districts()]


def streets(district_code: str = "", query: str = "") -> QuerySet[Region]:
    qs = Region.objects.filter(level=Region.Level.STREET).select_related("parent").order_by("code")
    query = query.strip()
    if query:
        # A typed name searches the whole city: riders know their street, not always its district.
        return qs.filter(name__icontains=query)[:50]
    if district_code:
        return qs.filter(parent__code=district_code)
    return qs.none()


def street_choices(district_code: str = "", query: str = "", selected: Region | None = None) -> Choices:
    found = list(streets(district_code, query))
    if selected is not None and all(s.pk != selected.pk for s in found):
        found.insert(0, selected)
    if not found:
        empty = _("没有找到这个街镇") if query.strip() else _("请先选择区")
        return [("", empty)]
    show_district = bool(query.strip())
    return [("", _("请选择街镇"))] + [(s.code, s.full_name if show_district else s.name) for s in found]


def employer_choices(street_code: str = "", selected_id: str = "") -> Choices:
    """Head platforms first (most riders work for one), then enterprises registered in the street."""
    filters = Q(is_head=True)
    if street_code:
        filters |= Q(street__code=street_code)
    if selected_id.isdigit():
        filters |= Q(pk=int(selected_id))
    found = Enterprise.objects.filter(filters).order_by("-is_head", "name")[:200]
    return [("", _("不填写 / 没有固定单位"))] + [(str(e.pk), e.name) for e in found]
