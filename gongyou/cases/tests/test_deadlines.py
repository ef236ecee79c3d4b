"""Accept deadlines count the working days of the State Council's holiday arrangement: public
holidays are skipped and make-up working days (调休上班) count; a year not loaded counts Mon–Fri.
The 2026 arrangement (国办发明电, 4 November 2025) is the demo's data file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from gongyou import positions
from gongyou.cases import deadlines
from gongyou.core.actors import COMMAND
from gongyou.positions.services import load_public_holidays

ARRANGEMENT_2026 = Path(positions.__file__).parent / "data" / "public_holidays.csv"


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, hour))


@pytest.fixture
def arrangement_2026(db):
    with ARRANGEMENT_2026.open(encoding="utf-8") as handle:
        load_public_holidays(list(csv.DictReader(handle)), actor=COMMAND)


@pytest.mark.parametrize(
    "start,days,due",
    [
        # Tue 29 Sep: Wed 30 Sep counts, 1–7 Oct are National Day, Thu 8 Oct is the second.
        (at(2026, 9, 29), 2, at(2026, 10, 8)),
        # Fri 9 Oct: Sat 10 Oct is worked in exchange.
        (at(2026, 10, 9), 1, at(2026, 10, 10)),
        # Sat 19 Sep, a day off: Sun 20 Sep is worked in exchange.
        (at(2026, 9, 19, 15), 1, at(2026, 9, 20, 15)),
        # Fri 13 Feb: Sat 14 Feb is worked, 15–23 Feb are the Spring Festival, Tue 24 Feb is the second.
        (at(2026, 2, 13), 2, at(2026, 2, 24)),
        # Thu 30 Apr, two days: 1–5 May are Labour Day, Wed 6 and Thu 7 May.
        (at(2026, 4, 30), 2, at(2026, 5, 7)),
        # An ordinary week is unchanged.
        (at(2026, 11, 27), 2, at(2026, 12, 1)),
    ],
)
def test_working_days_follow_the_arrangement(arrangement_2026, start, days, due):
    assert deadlines.add_working_days(start, days) == due


def test_without_the_arrangement_monday_to_friday_count(db):
    assert deadlines.add_working_days(at(2026, 9, 29), 2) == at(2026, 10, 1)
    assert deadlines.add_working_days(at(2026, 10, 9), 1) == at(2026, 10, 12)


def test_a_case_submitted_before_national_day_is_due_after_it(arrangement_2026, make_case):
    case = make_case(now=at(2026, 9, 30, 16), type="dispute")  # one working day to accept
    assert case.due_at == at(2026, 10, 8, 16)
