from __future__ import annotations

import pytest
from django.core.cache import cache

from gongyou.core.actors import COMMAND
from gongyou.core.models import Region
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.roster import upsert_roster
from gongyou.members.services import join
from gongyou.positions import index
from gongyou.positions.inputs import clean_position
from gongyou.positions.services import create_position, set_street_point


@pytest.fixture(autouse=True)
def fresh_index():
    """The index and the throttle counters live in the process: start every test clean."""
    index.invalidate()
    cache.clear()
    yield
    index.invalidate()


def position_data(org, street, **overrides):
    data = {
        "name": "徐家汇爱心接力站",
        "kind": "relay_station",
        "org": str(org.pk),
        "street": street.code,
        "address": "漕溪北路 1 号",
        "lng": "121.4370",
        "lat": "31.1950",
        "crs": "wgs84",
        "weekly_hours": "每天 08:00-20:00",
        "open_24h": False,
        "closed_on_holidays": False,
        "amenities": ["microwave", "water"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_position(world):
    def make(org=None, street=None, **overrides):
        org = org or world.street_fed
        street = street or world.street
        streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
        clean = clean_position(position_data(org, street, **overrides), orgs={str(org.pk): org}, streets=streets)
        return create_position(clean, actor=COMMAND)

    return make


@pytest.fixture
def workforce(world):
    """徐家汇: 3 members + 2 roster-only workers + 1 member also on the roster (counted once);
    the other street: 2 roster workers, one of them inactive."""
    for seq in (1, 2, 3):
        join(clean_worker(worker_data(seq)), channel="online", actor=COMMAND)
    rows = [{**worker_data(seq), "external_id": f"E{seq}"} for seq in (3, 10, 11)]
    rows += [
        {**worker_data(seq, street_code=world.other_street.code), "external_id": f"E{seq}", "active": seq == 20}
        for seq in (20, 21)
    ]
    result = upsert_roster(world.platform, rows, actor=COMMAND)
    assert not result.rejected
    set_street_point(world.street, 121.4370, 31.1950, approximate=True, actor=COMMAND)
    set_street_point(world.other_street, 121.4500, 31.2150, approximate=True, actor=COMMAND)
