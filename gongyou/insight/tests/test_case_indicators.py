"""The case indicators (cases by type, open and overdue) against a hand-counted fixture, read live,
from snapshots plus today's changes, and from a rebuild through today alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.cases.escalation import escalate_overdue
from gongyou.cases.inputs import clean_case
from gongyou.cases.models import Case
from gongyou.cases.services import accept_case, reject_case, resolve_case, submit_case
from gongyou.cases.tests.conftest import case_data
from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.insight.dashboard import COLUMNS, build, export_rows
from gongyou.insight.indicators import INDICATORS
from gongyou.insight.models import Snapshot
from gongyou.insight.queries import Area, Reader
from gongyou.insight.report import monthly_report_pdf
from gongyou.insight.snapshots import rebuild
from gongyou.insight.tests.test_indicators import DISTRICT, OTHER, STREET, at, months_ago

TYPES = ("opinion", "complaint", "hardship", "legal_aid", "dispute")


def _submit(world, *, when, membership=None, fallback_org=None, **data):
    clean = clean_case(case_data(**data), membership=membership)
    return submit_case(clean, channel="staff", actor=COMMAND, fallback_org=fallback_org, now=when)


@pytest.fixture
def cases(world):
    """Hand count (this month M, two months ago M-2):
    c1 complaint at the station (徐家汇), M-2, never accepted → open and overdue (and escalated);
    c4 hardship of a member working in 徐家汇, no place named, M-2, refused the same day;
    c2 dispute in the other street, this month, accepted → open, not overdue;
    c3 opinion received by the district federation about no place, this month, resolved → counts
        in 徐汇区 with its street unknown;
    c5 legal aid received by the city federation about no place → counts in no district.
    Submitted over [M-2, M]: 4 placed (徐家汇 2, other street 1, 徐汇区 street unknown 1); by
    type 1 each except legal aid 0. Open now: 2 (徐家汇 1, other street 1); at the end of M-2: 1.
    Overdue now: 1 (徐家汇)."""
    old = at(months_ago(2))
    c1 = _submit(world, when=old, type="complaint", station_code=world.station.code)
    member = join_worker(1)
    c4 = _submit(world, when=old, membership=member, type="hardship", name=None, phone=None)
    reject_case(c4, actor=COMMAND, note="不符合条件", now=old + dt.timedelta(hours=2))
    c2 = _submit(world, when=timezone.now(), type="dispute", street_code=OTHER)
    accept_case(c2, actor=COMMAND)
    c3 = _submit(world, when=timezone.now(), type="opinion", fallback_org=world.district)
    accept_case(c3, actor=COMMAND)
    resolve_case(Case.objects.get(pk=c3.pk), actor=COMMAND, note="已答复")
    _submit(world, when=timezone.now(), type="legal_aid", fallback_org=world.city)
    assert escalate_overdue(timezone.now())  # moves c1 up: where it counts does not change
    return c1


def _check(world):
    today = timezone.localdate()
    first = months_ago(2)
    city = Reader(Area()).period(first, today)[""]
    assert city["cases_submitted"] == 4
    assert {t: city[f"cases_{t}"] for t in TYPES} == {
        "opinion": 1, "complaint": 1, "hardship": 1, "legal_aid": 0, "dispute": 1,
    }  # fmt: skip
    assert (city["cases_open"], city["cases_overdue"]) == (2, 1)
    street = Reader(Area(district=DISTRICT, street=STREET)).period(first, today)[""]
    assert (street["cases_submitted"], street["cases_open"], street["cases_overdue"]) == (2, 1, 1)
    other = Reader(Area(district=DISTRICT, street=OTHER)).period(first, today)[""]
    assert (other["cases_submitted"], other["cases_dispute"], other["cases_open"], other["cases_overdue"]) == (1, 1, 1, 0)
    by_street = Reader(Area(district=DISTRICT)).period(first, today, by_child=True)
    assert by_street[""]["cases_opinion"] == 1  # street unknown: the district only
    assert sum(row["cases_submitted"] for row in by_street.values()) == 4
    assert Reader(Area(district="310101")).period(first, today)[""]["cases_submitted"] == 0
    months = Reader(Area()).monthly([months_ago(2), months_ago(1), months_ago(0)])
    assert [(m["cases_submitted"], m["cases_open"]) for m in months] == [(2, 1), (0, 1), (2, 2)]


@pytest.mark.django_db
def test_case_indicators_count_the_fixture_live(world, cases):
    _check(world)


@pytest.mark.django_db
def test_case_indicators_from_snapshots_plus_todays_delta(world, cases):
    rebuild(since=months_ago(3), through=timezone.localdate() - dt.timedelta(days=1))
    assert Snapshot.objects.filter(indicator="cases_open").exists()
    assert Snapshot.objects.filter(indicator="cases_overdue", value=1).count() == 1
    _check(world)


@pytest.mark.django_db
def test_case_indicators_from_a_rebuild_through_today(world, cases):
    rebuild(since=months_ago(3), through=timezone.localdate())
    _check(world)


@pytest.mark.django_db
def test_case_indicators_are_on_the_dashboard_its_export_and_the_report(world, cases):
    codes = [c for c in INDICATORS if c.startswith("cases_")]
    assert len(codes) == 8 and set(codes) <= set(COLUMNS)
    board = build(Area(district=DISTRICT), timezone.localdate().year)
    header, rows = export_rows(board)
    assert str(INDICATORS["cases_overdue"].label) in header
    assert rows[-1][2 + COLUMNS.index("cases_overdue")] == 1
    assert monthly_report_pdf(Area(district=DISTRICT), timezone.localdate().replace(day=1)).startswith(b"%PDF")
