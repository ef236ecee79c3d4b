from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.services import create_campaign
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.tests.conftest import make_position  # noqa: F401  (service positions for allocations)


def campaign_data(**overrides):
    now = timezone.now()
    data = {
        "kind": "summer_cooling",
        "title": "夏日送清凉",
        "starts_at": (now - dt.timedelta(days=1)).isoformat(),
        "ends_at": (now + dt.timedelta(days=30)).isoformat(),
        "quota": 100,
        "audience": {},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_campaign(world):
    def make(org=None, **overrides):
        return create_campaign(clean_campaign(campaign_data(**overrides)), org=org or world.city, actor=COMMAND)

    return make


@pytest.fixture
def make_member(world):
    def make(seq, **overrides):
        return join(clean_worker(worker_data(seq, **overrides)), channel="online", actor=Actor.worker()).membership

    return make
