"""Staff type premiums in yuan; the domain keeps fen. The conversion is exact (digits, never a
float) and the shares must still sum to the premium."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gongyou.benefits.inputs import clean_plan_in_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("120", 12000),
        ("120.5", 12050),
        ("120.50", 12050),
        ("0.01", 1),
        ("0", 0),
        (" 60.1 ", 6010),
        ("9999999.99", 999999999),
    ],
)
def test_yuan_converts_exactly(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["", "-1", "1.234", "1,000", "1e3", ".5", "5.", "１２", "12000000", None, "0x10"])
def test_anything_else_is_refused(text):
    assert yuan_to_fen(text) is None


@given(st.integers(min_value=0, max_value=999_999_999))
def test_every_amount_in_fen_round_trips_through_its_yuan_text(fen):
    assert yuan_to_fen(f"{fen // 100}.{fen % 100:02d}") == fen
    if fen % 100 == 0:
        assert yuan_to_fen(str(fen // 100)) == fen


PLAN = {
    "name": "灵活就业会员专享基本保障", "insurer": "示例人寿", "cover_summary": "意外医疗",
    "enrol_from": "2026-01-01", "enrol_until": "2026-12-31", "cover_from": "2026-01-01", "cover_until": "2026-12-31",
}  # fmt: skip


def test_a_plan_in_yuan_is_kept_in_fen():
    plan = clean_plan_in_yuan(
        {
            **PLAN,
            "premium_yuan": "120.30",
            "union_share_yuan": "60.15",
            "platform_share_yuan": "40.1",
            "worker_share_yuan": "20.05",
        }
    )
    assert (plan.premium_fen, plan.union_share_fen, plan.platform_share_fen, plan.worker_share_fen) == (
        12030,
        6015,
        4010,
        2005,
    )


def test_shares_that_miss_the_premium_by_a_fen_are_refused():
    with pytest.raises(ValidationError) as exc:
        clean_plan_in_yuan(
            {
                **PLAN,
                "premium_yuan": "120.30",
                "union_share_yuan": "60.15",
                "platform_share_yuan": "40.1",
                "worker_share_yuan": "20.04",
            }
        )
    assert [e.code for e in exc.value.error_dict["worker_share_fen"]] == ["shares_do_not_sum"]


def test_a_bad_amount_is_named_and_no_sum_is_claimed():
    with pytest.raises(ValidationError) as exc:
        clean_plan_in_yuan(
            {
                **PLAN,
                "name": "",
                "premium_yuan": "120.301",
                "union_share_yuan": "60",
                "platform_share_yuan": "40",
                "worker_share_yuan": "20",
            }
        )
    codes = {field: [e.code for e in errs] for field, errs in exc.value.error_dict.items()}
    assert codes == {"premium_fen": ["invalid_yuan"], "name": ["required"]}
