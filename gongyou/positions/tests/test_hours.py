"""Opening hours: parsing staff text, open-now across midnight, 24-hour, holidays."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from gongyou.positions.hours import format_hours, is_open_at, parse_hours, week_bitmaps
from gongyou.positions.index import IndexRow, PositionIndex

MON = dt.date(2026, 11, 23)  # a Monday


def at(day_offset: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(MON + dt.timedelta(days=day_offset), dt.time(hh, mm))


def test_it_parses_day_groups_and_several_ranges():
    schedule = parse_hours("周一至周五 08:00-12:00,14:00-20:00；周六、周日 09:00-17:00")
    assert schedule["0"] == [["08:00", "12:00"], ["14:00", "20:00"]]
    assert schedule["4"] == schedule["0"]
    assert schedule["5"] == [["09:00", "17:00"]] == schedule["6"]


def test_format_and_parse_round_trip():
    text = "周一至周五 08:00-20:00；周六 22:00-06:00"
    assert format_hours(parse_hours(text)) == text
    assert format_hours(parse_hours("每天 07:00-22:00")) == "每天 07:00-22:00"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("周八 08:00-09:00", "bad_weekday"),
        ("周一 25:00-26:00", "bad_time"),
        ("周一 08:00-08:00", "use_24h"),
        ("随时", "bad_hours"),
    ],
)
def test_it_rejects_bad_hours_with_a_code(text, code):
    with pytest.raises(ValidationError) as exc:
        parse_hours(text)
    assert exc.value.error_dict["weekly_hours"][0].code == code


def test_open_now_across_midnight():
    night = parse_hours("周五 22:00-06:00")
    assert not is_open_at(night, at(4, 21, 59))
    assert is_open_at(night, at(4, 22, 0))
    assert is_open_at(night, at(5, 5, 59))  # Saturday early morning belongs to Friday's range
    assert not is_open_at(night, at(5, 6, 0))
    assert not is_open_at(night, at(3, 23, 0))  # Thursday night: not scheduled


def test_sunday_night_runs_into_monday_morning():
    schedule = parse_hours("周日 20:00-03:00")
    assert is_open_at(schedule, at(7, 2, 30))  # next Monday 02:30
    assert not is_open_at(schedule, at(7, 3, 0))


def test_24_hour_station_is_always_open_unless_closed_on_holidays():
    for t in (at(0, 0, 0), at(3, 12, 0), at(6, 23, 59)):
        assert is_open_at({}, t, open_24h=True)
    holidays = {MON}
    assert not is_open_at({}, at(0, 10), open_24h=True, closed_on_holidays=True, holidays=holidays)
    assert is_open_at({}, at(0, 10), open_24h=True, closed_on_holidays=False, holidays=holidays)


def test_holiday_closure_applies_to_the_day_a_range_starts():
    schedule = parse_hours("每天 22:00-06:00")
    holidays = {MON}
    assert not is_open_at(schedule, at(0, 23), closed_on_holidays=True, holidays=holidays)
    assert not is_open_at(schedule, at(1, 2), closed_on_holidays=True, holidays=holidays)  # Monday's night range
    assert is_open_at(schedule, at(0, 2), closed_on_holidays=True, holidays=holidays)  # Sunday's range into Monday
    assert is_open_at(schedule, at(1, 23), closed_on_holidays=True, holidays=holidays)


def test_bitmaps_mark_carry_over_minutes_separately():
    same, carry = week_bitmaps(parse_hours("周二 23:00-01:00"))
    assert same[1 * 1440 + 23 * 60] == 1 and carry[1 * 1440 + 23 * 60] == 0
    assert carry[2 * 1440 + 30] == 1 and same[2 * 1440 + 30] == 0


times = st.builds(
    lambda d, m: dt.datetime.combine(MON + dt.timedelta(days=d), dt.time(m // 60, m % 60)),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=1439),
)
ranges = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 95), st.integers(1, 96)).filter(lambda r: r[1] != r[2] % 96),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(ranges, times, st.booleans(), st.booleans(), st.sets(st.integers(0, 13), max_size=3))
def test_index_open_now_agrees_with_the_schedule_rule(raw, when, h24, closed, holiday_days):
    """The vectorised bitmap test in the index is the same rule as is_open_at."""
    schedule: dict[str, list[list[str]]] = {}
    for day, a, b in raw:
        start, end = a * 15, b * 15
        schedule.setdefault(str(day), []).append(
            [f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"]
        )
    holidays = {MON + dt.timedelta(days=d) for d in holiday_days}
    row = IndexRow(1, "x", "relay_station", 121.4, 31.2, "open", (), schedule, h24, closed)
    index = PositionIndex([row], holidays)
    expected = is_open_at(schedule, when, open_24h=h24, closed_on_holidays=closed, holidays=holidays)
    assert bool(index.open_now(when)[0]) == expected


def test_load_holidays_command_closes_holiday_stations_in_the_index(db, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from gongyou.positions.index import get_index, invalidate
    from gongyou.positions.models import PublicHoliday

    path = tmp_path / "2027.csv"
    path.write_text("date,name\n2027-01-01,元旦\n", encoding="utf-8")
    out = StringIO()
    call_command("load_holidays", str(path), stdout=out)
    call_command("load_holidays", str(path), stdout=out)  # idempotent
    assert "1 天" in out.getvalue() and "0 天" in out.getvalue()
    assert PublicHoliday.objects.get(date=dt.date(2027, 1, 1)).name == "元旦"
    invalidate()
    row = IndexRow(1, "x", "relay_station", 121.4, 31.2, "open", (), {}, True, True)
    holidays = get_index().holidays
    assert not PositionIndex([row], holidays).open_now(dt.datetime(2027, 1, 1, 10))[0]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,name\n2027/01/01,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_holidays", str(bad))


def test_a_make_up_working_day_is_no_holiday_for_positions(db, tmp_path):
    from django.core.management import CommandError, call_command

    from gongyou.positions.index import get_index, invalidate
    from gongyou.positions.models import PublicHoliday

    path = tmp_path / "2027.csv"
    path.write_text("date,name,workday\n2027-02-06,春节,\n2027-02-13,春节调休上班,1\n", encoding="utf-8")
    call_command("load_holidays", str(path), stdout=StringIO())
    assert dict(PublicHoliday.objects.values_list("date", "workday")) == {
        dt.date(2027, 2, 6): False, dt.date(2027, 2, 13): True
    }
    invalidate()
    holidays = get_index().holidays
    assert dt.date(2027, 2, 6) in holidays and dt.date(2027, 2, 13) not in holidays
    row = IndexRow(1, "x", "relay_station", 121.4, 31.2, "open", (), {}, True, True)
    assert PositionIndex([row], holidays).open_now(dt.datetime(2027, 2, 13, 10))[0]
    assert not PositionIndex([row], holidays).open_now(dt.datetime(2027, 2, 6, 10))[0]
    # Turning a loaded date into a make-up day is a change; a bad workday value loads nothing.
    path.write_text("date,name,workday\n2027-02-06,春节,是\n", encoding="utf-8")
    out = StringIO()
    call_command("load_holidays", str(path), stdout=out)
    assert "1 天" in out.getvalue() and PublicHoliday.objects.get(date=dt.date(2027, 2, 6)).workday
    bad = tmp_path / "bad.csv"
    bad.write_text("date,name,workday\n2027-03-01,植树,\n2027-03-02,植树,maybe\n", encoding="utf-8")
    with pytest.raises(CommandError, match="workday"):
        call_command("load_holidays", str(bad))
    assert not PublicHoliday.objects.filter(date__month=3).exists()
