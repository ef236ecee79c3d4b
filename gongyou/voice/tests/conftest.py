"""Voice test data on the shared `world`: a five-party meeting of the street federation."""

from __future__ import annotations

import datetime as dt

import pytest

from gongyou.core.actors import COMMAND
from gongyou.voice.inputs import clean_meeting
from gongyou.voice.services import create_meeting

FIVE = [
    {"kind": "union", "name": "徐家汇街道总工会"},
    {"kind": "government", "name": "徐汇区人社局"},
    {"kind": "platform", "name": "示例外卖平台"},
    {"kind": "affiliate", "name": "示例配送代理"},
    {"kind": "worker_rep", "name": "骑手代表", "attendees": "张三、李四"},
]


def make_meeting(org, title="骑手权益五方会商", held_on="2026-03-01", parties=None):
    data = clean_meeting({"title": title, "held_on": held_on, "place": "街道会议室"}, parties or FIVE)
    return create_meeting(org, data, actor=COMMAND)


@pytest.fixture
def meeting(world):
    return make_meeting(world.street_fed)


def party(meeting, kind):
    return meeting.parties.get(kind=kind)


D = dt.date
