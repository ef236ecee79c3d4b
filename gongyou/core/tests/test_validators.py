import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from gongyou.core.testing import make_id_number, make_uscc
from gongyou.core.validators import (
    id_birth_date,
    is_mobile_number,
    normalise_region_code,
    phonenumbers_says_mobile,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

TODAY = dt.date(2026, 11, 28)


def code_of(func, value, **kw):
    with pytest.raises(ValidationError) as info:
        func(value, **kw)
    return info.value.code


# 11010519491231002X is the GB 11643 textbook example (a woman born 1949-12-31).
def test_known_good_id_number_with_x():
    info = validate_id_number("11010519491231002X", today=dt.date(1990, 1, 1))
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"
    # The same person is too old to be a gig worker today.
    assert code_of(validate_id_number, "11010519491231002X", today=TODAY) == "id_implausible_age"


def test_generated_id_derives_birth_and_sex():
    number = make_id_number(7, birth=dt.date(1990, 5, 17), male=True)
    info = validate_id_number(number, today=TODAY)
    assert info.birth_date == dt.date(1990, 5, 17)
    assert info.sex == "M"
    assert validate_id_number(make_id_number(8, birth=dt.date(1990, 5, 17), male=False), today=TODAY).sex == "F"


def test_phone_keyboard_input_is_normalised():
    number = make_id_number(11, birth=dt.date(1988, 3, 2))
    messy = " ".join([number[:6], number[6:14], number[14:]]).replace("0", "０")
    assert validate_id_number(messy, today=TODAY).number == number
    x_number = next(make_id_number(i) for i in range(1, 500) if make_id_number(i).endswith("X"))
    assert validate_id_number(x_number.lower(), today=TODAY).number == x_number


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "required"),
        ("12345", "id_wrong_length"),
        ("3401231987041300011", "id_wrong_length"),
        ("34012319870413000A", "id_bad_format"),
        ("X40123198704130001", "id_bad_format"),
    ],
)
def test_bad_id_numbers(value, code):
    assert code_of(validate_id_number, value, today=TODAY) == code


def test_bad_check_character():
    good = make_id_number(5)
    wrong = "0" if good[-1] != "0" else "1"
    assert code_of(validate_id_number, good[:-1] + wrong, today=TODAY) == "id_bad_check"


def _with_check(body):
    return body + ric.calc_check_digit(body + "0")


def test_impossible_birth_date():
    assert code_of(validate_id_number, _with_check("34012319870230001"), today=TODAY) == "id_bad_birth_date"


def test_future_birth_date():
    assert code_of(validate_id_number, _with_check("34012320300101001"), today=TODAY) == "id_future_birth_date"


def test_implausible_age_child_and_elderly():
    assert code_of(validate_id_number, _with_check("34012320150101001"), today=TODAY) == "id_implausible_age"
    assert code_of(validate_id_number, _with_check("34012319300101001"), today=TODAY) == "id_implausible_age"


def test_age_boundary_sixteen():
    assert validate_id_number(_with_check("34012320101128001"), today=TODAY).birth_date == dt.date(2010, 11, 28)
    assert code_of(validate_id_number, _with_check("34012320101129001"), today=TODAY) == "id_implausible_age"


@given(st.integers(min_value=0, max_value=10_000_000))
def test_generated_ids_always_validate(seq):
    assert validate_id_number(make_id_number(seq), today=TODAY).number == make_id_number(seq)


@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.integers(min_value=0, max_value=16),
    st.sampled_from("0123456789X"),
)
def test_any_single_substitution_is_caught(seq, position, char):
    good = make_id_number(seq)
    if position == 17 or good[position] == char or (char == "X"):
        return
    bad = good[:position] + char + good[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(bad, today=TODAY)


@given(st.text(max_size=30))
def test_id_validator_never_crashes(text):
    try:
        validate_id_number(text, today=TODAY)
    except ValidationError as exc:
        assert exc.code


# USCC: 91350100M000100Y43 is the GB 32100 example from python-stdnum's documentation.
def test_known_good_uscc():
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert validate_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "required"),
        ("9111000060003734", "uscc_wrong_length"),
        ("9111000060003734IL", "uscc_bad_format"),
        ("91110000600037341A", "uscc_bad_check"),
    ],
)
def test_bad_uscc(value, code):
    assert code_of(validate_uscc, value) == code


@given(st.integers(min_value=0, max_value=99_999_999))
def test_generated_usccs_validate(seq):
    assert validate_uscc(make_uscc(seq)) == make_uscc(seq)


@pytest.mark.parametrize(
    "value", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "008613812345678", "１３８１２３４５６７８"]
)
def test_good_mobiles(value):
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "required"),
        ("1381234567", "phone_wrong_length"),
        ("138123456789", "phone_wrong_length"),
        ("1381234567a", "phone_bad_format"),
        ("12012345678", "phone_invalid"),
        ("02112345678", "phone_invalid"),
    ],
)
def test_bad_mobiles(value, code):
    assert code_of(validate_mobile, value) == code


@given(st.text(max_size=20))
def test_mobile_validator_never_crashes(text):
    try:
        validate_mobile(text)
    except ValidationError as exc:
        assert exc.code


def test_region_code_accepts_twelve_digits():
    assert normalise_region_code("310115005000") == "310115005"
    assert normalise_region_code("310115005") == "310115005"


@given(st.from_regex(r"\A[0-9]{11}\Z"))
def test_any_eleven_digits_validate_or_fail_cleanly(digits):
    # phonenumbers raises its own exception for some inputs (e.g. 11219003534); that must
    # surface as a coded validation error, never a crash.
    try:
        assert validate_mobile(digits) == digits
    except ValidationError as exc:
        assert exc.code in ("phone_invalid",)


@given(st.from_regex(r"\A1[0-9]{10}\Z"))
def test_the_kept_segment_answers_are_phonenumbers_answers(digits):
    # Asked twice: the second answer comes from the kept segment.
    assert is_mobile_number(digits) == phonenumbers_says_mobile(digits) == is_mobile_number(digits)


def test_phonenumbers_is_asked_once_per_segment(monkeypatch):
    from gongyou.core import validators

    asked: list[str] = []

    def says(digits: str) -> bool:
        asked.append(digits)
        return digits.startswith("139")

    monkeypatch.setattr(validators, "_MOBILE_SEGMENTS", {})
    monkeypatch.setattr(validators, "phonenumbers_says_mobile", says)
    assert validate_mobile("13907770001") == "13907770001"
    assert validate_mobile("13907779999") == "13907779999"  # same segment 1390777
    assert code_of(validate_mobile, "13707770001") == "phone_invalid"
    assert code_of(validate_mobile, "13707770002") == "phone_invalid"
    assert validate_mobile("13907780001") == "13907780001"  # another segment
    assert asked == ["13907770001", "13707770001", "13907780001"]
    # Outside the segment rule (not 1…): asked every time.
    assert code_of(validate_mobile, "02112345678") == code_of(validate_mobile, "02112345678") == "phone_invalid"
    assert asked[3:] == ["02112345678", "02112345678"]


def test_number_that_crashed_phonenumbers_is_a_clean_error():
    assert code_of(validate_mobile, "11219003534") == "phone_invalid"


def test_clean_text_normalises_and_refuses_what_is_not_text():
    from gongyou.core.validators import clean_text, is_clean_text

    assert clean_text("  Jose\u0301 ") == "Jos\u00e9"
    assert clean_text(None) == "" and clean_text(42, numbers=True) == "42"
    for value, code in (
        (["张三"], "not_text"), ({"a": 1}, "not_text"), (True, "not_text"), (42, "not_text"), (1.5, "not_text"),
        ("张\ud800三", "bad_character"), ("张\x1b三", "control_character"), ("张\x00三", "control_character"),
    ):
        with pytest.raises(ValidationError) as info:
            clean_text(value)
        assert info.value.code == code, value
    with pytest.raises(ValidationError):
        clean_text(True, numbers=True)
    assert is_clean_text("阿卜杜·热合曼") and not is_clean_text("张\x1b三") and not is_clean_text(" 张三")
    assert not is_clean_text("Jose\u0301")


def _with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


@given(
    region=st.integers(100000, 999999),
    year=st.integers(0, 9999),
    month=st.integers(0, 99),
    day=st.integers(0, 99),
    serial=st.integers(0, 999),
    today=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
)
def test_the_fast_birth_date_check_accepts_what_validate_id_number_accepts(region, year, month, day, serial, today):
    """The roster's fast path decides canonical ID numbers with id_birth_date alone: it must
    accept exactly the numbers validate_id_number accepts on that day, with the same date."""
    number = _with_check(f"{region}{year:04d}{month:02d}{day:02d}{serial:03d}")
    assert id_birth_date(number, today) == _accepted_birth(number, today)


@given(birth=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), today=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_the_fast_birth_date_check_agrees_at_the_age_limits(birth, today):
    """Real dates near the working-age bounds (16 and 75 birthdays, 29 February)."""
    number = _with_check(f"310104{birth:%Y%m%d}123")
    assert id_birth_date(number, today) == _accepted_birth(number, today)


def _accepted_birth(number, today):
    """The birth date validate_id_number gives on `today`, or None when it refuses the number."""
    try:
        return validate_id_number(number, today=today).birth_date
    except ValidationError:
        return None
