"""Early-warning levels as a table, and the cluster signal."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.cases.early_warning import warning_level
from gongyou.cases.models import CaseAlert, Warning
from gongyou.cases.tests.conftest import MONDAY_9

YUAN = 100

LEVELS = [
    # workers, amount (fen), collective action → level
    (1, 0, False, "green"),
    (9, 19_999 * YUAN, False, "green"),
    (10, 0, False, "yellow"),
    (1, 20_000 * YUAN, False, "yellow"),
    (29, 99_999 * YUAN, False, "yellow"),
    (30, 0, False, "red"),
    (1, 100_000 * YUAN, False, "red"),
    (1, 0, True, "red"),
    (2, 100, True, "red"),
]


@pytest.mark.parametrize(("workers", "amount", "collective", "level"), LEVELS)
def test_warning_levels(workers, amount, collective, level):
    assert warning_level(workers, amount, collective) == level


def test_thresholds_come_from_settings(settings):
    settings.GONGYOU = {**settings.GONGYOU, "WARNING_YELLOW_WORKERS": 3}
    assert warning_level(3, 0, False) == "yellow"


def test_a_red_case_raises_a_warning_for_the_street_federation(world, make_case):
    case = make_case(type="dispute", station_code=world.station.code, workers_involved=40, collective_action=True)
    assert case.warning_level == "red"
    warning = Warning.objects.get(case=case)
    assert (warning.kind, warning.level, warning.org) == ("case", "red", world.street_fed)
    assert CaseAlert.objects.filter(warning=warning, org=world.street_fed).exists()


def test_a_green_case_raises_nothing(world, make_case):
    make_case(station_code=world.station.code, topic="pay")
    assert not Warning.objects.exists()


def test_a_cluster_of_small_complaints_raises_one_warning(world, make_case):
    for day in range(2):
        make_case(station_code=world.station.code, topic="penalty", now=MONDAY_9 + dt.timedelta(days=day))
    assert not Warning.objects.exists()
    # Another topic, another station, or too long ago: not the same cluster.
    make_case(station_code=world.station.code, topic="pay", now=MONDAY_9 + dt.timedelta(days=2))
    make_case(station_code=world.bare_station.code, topic="penalty", now=MONDAY_9 + dt.timedelta(days=2))
    third = make_case(station_code=world.station.code, topic="penalty", now=MONDAY_9 + dt.timedelta(days=3))
    warning = Warning.objects.get(kind="cluster")
    assert warning.org == world.street_fed and warning.level == "yellow" and warning.cases.count() == 3
    assert third in warning.cases.all()
    make_case(station_code=world.station.code, topic="penalty", now=MONDAY_9 + dt.timedelta(days=4))
    assert Warning.objects.filter(kind="cluster").count() == 1 and warning.cases.count() == 4
    # A week later the window has moved on: two new ones are not yet a cluster.
    for day in (20, 21):
        make_case(station_code=world.station.code, topic="penalty", now=MONDAY_9 + dt.timedelta(days=day))
    assert Warning.objects.filter(kind="cluster").count() == 1


def test_disputes_and_topic_other_do_not_cluster(world, make_case):
    for day in range(4):
        make_case(type="dispute", station_code=world.station.code, topic="pay", now=MONDAY_9 + dt.timedelta(days=day))
        make_case(station_code=world.station.code, now=MONDAY_9 + dt.timedelta(days=day))
    assert not Warning.objects.filter(kind="cluster").exists()
