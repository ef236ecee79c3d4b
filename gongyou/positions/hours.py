"""Weekly opening hours: a schedule maps weekday ("0" = Monday … "6" = Sunday) to ranges
[["08:00", "20:00"], ...]. A range whose close is not after its open crosses midnight and ends
the next day ("22:00"–"06:00"); it belongs to the day it starts, which is also the day whose
public-holiday closure applies to it.

Staff type hours as text ("周一至周五 08:00-20:00；周六、周日 09:00-17:00"); `parse_hours` and
`format_hours` convert both ways so forms and Excel show the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

Schedule = dict[str, list[list[str]]]

DAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
# The same names for pages, in the active language. DAY_NAMES stays Chinese: it is the text
# format staff type and Excel carries, and the parser reads it back.
DISPLAY_DAY_NAMES = [
    pgettext_lazy("weekday", "周一"),
    pgettext_lazy("weekday", "周二"),
    pgettext_lazy("weekday", "周三"),
    pgettext_lazy("weekday", "周四"),
    pgettext_lazy("weekday", "周五"),
    pgettext_lazy("weekday", "周六"),
    pgettext_lazy("weekday", "周日"),
]
_DAY_ALIASES = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name.replace("周", "星期"): i for i, name in enumerate(DAY_NAMES)},
    "周天": 6,
    "星期天": 6,
    **{str(i + 1): i for i in range(7)},
}
WEEK_MINUTES = 7 * 24 * 60
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
_DAY_RANGE_SEP = re.compile(r"\s*(?:至|到|-|~|—|–)\s*")


def _error(message: Any, code: str = "bad_hours") -> ValidationError:
    return ValidationError({"weekly_hours": [ValidationError(message, code=code)]})


def to_minutes(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise _error(_("时间格式应为 时:分，例如 08:30"), "bad_time")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > 24 * 60:
        raise _error(_("时间不能晚于 24:00"), "bad_time")
    return minutes


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clean_schedule(raw: Mapping[str, Any] | None) -> Schedule:
    """Validate and normalise a schedule from JSON; ranges sorted, times as HH:MM."""
    out: Schedule = {}
    for key, ranges in (raw or {}).items():
        if str(key) not in {str(i) for i in range(7)}:
            raise _error(_("星期取值应为 0（周一）到 6（周日）"), "bad_weekday")
        if not isinstance(ranges, list):
            raise _error(_("开放时段格式无效"))
        cleaned = []
        for item in ranges:
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise _error(_("开放时段格式无效"))
            start, end = to_minutes(str(item[0])), to_minutes(str(item[1]))
            if start == 24 * 60:
                raise _error(_("开始时间不能是 24:00"), "bad_time")
            if start == end or (start == 0 and end == 24 * 60):
                raise _error(_("全天开放请勾选“24小时开放”"), "use_24h")
            cleaned.append([_fmt(start), _fmt(end)])
        if cleaned:
            out[str(key)] = sorted(cleaned)
    return dict(sorted(out.items()))


def _parse_days(text: str) -> list[int]:
    text = text.strip()
    if text in ("每天", "每日", "全周", "周一至周日"):
        return list(range(7))
    days: list[int] = []
    for part in re.split(r"[、,，/ ]+", text):
        if not part:
            continue
        bounds = _DAY_RANGE_SEP.split(part)
        if len(bounds) == 2 and bounds[0] in _DAY_ALIASES and bounds[1] in _DAY_ALIASES:
            a, b = _DAY_ALIASES[bounds[0]], _DAY_ALIASES[bounds[1]]
            days.extend(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part in _DAY_ALIASES:
            days.append(_DAY_ALIASES[part])
        else:
            raise _error(_("无法识别的星期：%(part)s") % {"part": part}, "bad_weekday")
    return sorted(set(days))


def parse_hours(text: str) -> Schedule:
    """'周一至周五 08:00-20:00；周六 09:00-12:00,14:00-18:00' → schedule. Entries are separated
    by ；/; or new lines; a day listed twice gets both sets of ranges."""
    schedule: dict[str, list[list[str]]] = {}
    for entry in re.split(r"[;；\n]+", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        match = re.match(r"^(.*?)\s*((?:\d{1,2}:\d{2}\s*[-~—–至到]\s*\d{1,2}:\d{2}[\s,，、]*)+)$", entry)
        if not match or not match.group(1).strip():
            raise _error(_("无法识别的开放时间：%(entry)s") % {"entry": entry})
        days = _parse_days(match.group(1))
        ranges = re.findall(r"(\d{1,2}:\d{2})\s*[-~—–至到]\s*(\d{1,2}:\d{2})", match.group(2))
        for day in days:
            schedule.setdefault(str(day), []).extend([list(r) for r in ranges])
    return clean_schedule(schedule)


def _groups(schedule: Mapping[str, list[list[str]]]) -> list[tuple[list[int], str]]:
    """Consecutive days with the same ranges, grouped: ([0, 1, 2, 3, 4], "08:00-20:00")."""
    groups: list[tuple[list[int], str]] = []
    for day in range(7):
        ranges = schedule.get(str(day))
        if not ranges:
            continue
        text = ",".join(f"{a}-{b}" for a, b in ranges)
        if groups and groups[-1][1] == text and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    return groups


def format_hours(schedule: Mapping[str, list[list[str]]], *, open_24h: bool = False, display: bool = False) -> str:
    """Canonical text: consecutive days with the same ranges are grouped ('周一至周五 …').

    display=True gives the same summary in the active language for pages; the default is the
    canonical Chinese text that forms and Excel carry and `parse_hours` reads back."""
    if display:
        return _display_hours(schedule, open_24h=open_24h)
    if open_24h:
        return "24小时开放"
    parts = []
    for days, text in _groups(schedule):
        if len(days) == 1:
            label = DAY_NAMES[days[0]]
        elif len(days) == 7:
            label = "每天"
        else:
            label = f"{DAY_NAMES[days[0]]}至{DAY_NAMES[days[-1]]}"
        parts.append(f"{label} {text}")
    return "；".join(parts)


def _display_hours(schedule: Mapping[str, list[list[str]]], *, open_24h: bool) -> str:
    if open_24h:
        return gettext("24小时开放")
    parts = []
    for days, text in _groups(schedule):
        if len(days) == 1:
            label = str(DISPLAY_DAY_NAMES[days[0]])
        elif len(days) == 7:
            label = gettext("每天")
        else:
            first, last = DISPLAY_DAY_NAMES[days[0]], DISPLAY_DAY_NAMES[days[-1]]
            label = gettext("%(first)s至%(last)s") % {"first": first, "last": last}
        parts.append(f"{label} {text}")
    return pgettext("separator", "；").join(parts)


def _next_day(start: str, end: str) -> str:
    """The close time of a range, marked when it falls on the next day (22:00-次日06:00)."""
    return gettext("次日%(time)s") % {"time": end} if to_minutes(end) <= to_minutes(start) else end


def day_rows(schedule: Mapping[str, list[list[str]]], *, open_24h: bool = False) -> list[tuple[str, str]]:
    """(weekday name, ranges text) for the seven days, for the station page's hours table."""
    if open_24h:
        return [(gettext("每天"), gettext("24小时开放"))]
    rows = []
    for day in range(7):
        ranges = schedule.get(str(day)) or []
        text = pgettext("separator", "，").join(f"{a}-{_next_day(a, b)}" for a, b in ranges)
        rows.append((str(DISPLAY_DAY_NAMES[day]), text or gettext("休息")))
    return rows


def intervals(schedule: Mapping[str, list[list[str]]]) -> list[tuple[int, int, int]]:
    """(start day, start minute-of-week, end minute-of-week) with end possibly past the week's
    end (a Sunday-night range runs into Monday)."""
    out = []
    for key, ranges in schedule.items():
        day = int(key)
        for a, b in ranges:
            start, end = to_minutes(a), to_minutes(b)
            if end <= start:
                end += 24 * 60
            out.append((day, day * 1440 + start, day * 1440 + end))
    return out


def is_open_at(
    schedule: Mapping[str, list[list[str]]],
    when: dt.datetime,
    *,
    open_24h: bool = False,
    closed_on_holidays: bool = False,
    holidays: Collection[dt.date] = (),
) -> bool:
    """Whether the schedule is open at local time `when` (naive or already in local time)."""
    today = when.date()
    if open_24h:
        return not (closed_on_holidays and today in holidays)
    minute = when.weekday() * 1440 + when.hour * 60 + when.minute
    for day, start, end in intervals(schedule):
        for shift in (0, WEEK_MINUTES):  # a Sunday-night range seen from Monday morning
            if start <= minute + shift < end:
                start_date = today - dt.timedelta(days=1 if minute + shift >= (day + 1) * 1440 else 0)
                if closed_on_holidays and start_date in holidays:
                    continue
                return True
    return False


def week_bitmaps(schedule: Mapping[str, list[list[str]]], *, open_24h: bool = False) -> tuple[bytearray, bytearray]:
    """Two minute-of-week bitmaps (one byte per minute): minutes covered by a range that started
    the same calendar day, and minutes covered by one carried over from the previous day. The
    nearest-search index reads one column of each to decide open-now for every position at once,
    and the split lets it apply holiday closure to the day a range started."""
    same = bytearray(WEEK_MINUTES)
    carry = bytearray(WEEK_MINUTES)
    if open_24h:
        return bytearray(b"\x01" * WEEK_MINUTES), carry
    for day, start, end in intervals(schedule):
        midnight = (day + 1) * 1440
        for m in range(start, min(end, midnight)):
            same[m] = 1
        for m in range(midnight, end):
            carry[m % WEEK_MINUTES] = 1
    return same, carry
