"""Concurrent opens and completions with real threads and connections (pattern of
members/tests/test_races.py), on SQLite and, with DATABASE_URL, on PostgreSQL: a notice is read
once per org however many of its staff open it at once; an item is completed once."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.services import create_staff, load_regions
from gongyou.core.testing import build_world
from gongyou.members.tests.test_races import run_concurrently
from gongyou.voice.errors import Refused
from gongyou.voice.inputs import clean_item, clean_notice
from gongyou.voice.models import ActionItem, NoticeReceipt
from gongyou.voice.services import add_action_item, complete_action_item, mark_notice_read, send_notice
from gongyou.voice.tests.conftest import make_meeting


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def test_ten_staff_opening_a_notice_at_once_mark_it_read_once(tworld):
    notice = send_notice(tworld.street_fed, clean_notice({"title": "t", "body": "b", "audience": "all"}, [], []), actor=COMMAND)
    users = [
        create_staff(username=f"s{i}", password="Gongyou-test-2026!", org=tworld.station_union, role="officer", actor=COMMAND)
        for i in range(10)
    ]
    results, errors = run_concurrently(
        10, lambda i: mark_notice_read(notice, tworld.station_union, users[i], actor=Actor.staff(users[i]))
    )
    assert errors == [] and sorted(results) == [False] * 9 + [True]
    assert NoticeReceipt.objects.filter(notice=notice, read_at__isnull=False).count() == 1
    assert AuditLog.objects.filter(action="voice.read_notice").count() == 1


def test_an_item_completed_twice_at_once_is_done_once(tworld):
    meeting = make_meeting(tworld.street_fed)
    item = add_action_item(meeting, clean_item({"title": "x", "due_on": "2026-04-01"}), owner=meeting.parties.first(), actor=COMMAND)
    results, errors = run_concurrently(
        5, lambda i: complete_action_item(item, done_on=dt.date(2026, 3, 1), evidence=f"e{i}", actor=COMMAND).pk
    )
    assert len(results) == 1 and len(errors) == 4
    assert all(isinstance(e, Refused) and e.code == "already_done" for e in errors), errors
    assert ActionItem.objects.get().status == "done"
    assert AuditLog.objects.filter(action="voice.complete_action_item").count() == 1
