"""Case fixtures: a member of the station union, and builders for cases in any status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.benefits.tests.conftest import make_member  # noqa: F401 (fixture)
from gongyou.cases.inputs import clean_case
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND

MONDAY_9 = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))


def case_data(**overrides):
    data = {"type": "complaint", "title": "站点扣款", "description": "超时被扣款 200 元", "name": "王五", "phone": "13800138000"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def make_case(world):
    def make(*, membership=None, fallback_org=None, now=None, **overrides):
        clean = clean_case(case_data(**overrides), membership=membership)
        return submit_case(clean, channel="staff", actor=COMMAND, fallback_org=fallback_org, now=now or MONDAY_9)

    return make


@pytest.fixture
def rider(world, make_member):  # noqa: F811 (the imported fixture)
    """A rider of the station: their membership is with the station union."""
    return make_member(501, station_code=world.station.code, employer_uscc=world.agent.uscc, labor_relation="employee")
