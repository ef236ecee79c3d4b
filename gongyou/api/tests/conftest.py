"""API fixtures: a partner token for the demo platform and one for a second enterprise; service
positions for the public endpoint."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from gongyou.benefits.tests.conftest import make_campaign, make_member  # noqa: F401 (fixtures)
from gongyou.core.actors import COMMAND
from gongyou.core.testing import worker_data
from gongyou.partners.services import issue_partner_token
from gongyou.positions.tests.conftest import fresh_index, make_position  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Throttle counters live in the cache, which outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()


def client_for(token: str | None) -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def token(world) -> str:
    return issue_partner_token(world.platform, actor=COMMAND, name="测试")


@pytest.fixture
def api(token) -> APIClient:
    """Acts for world.platform (food delivery, has an HQ union)."""
    return client_for(token)


@pytest.fixture
def other_api(world) -> APIClient:
    """Acts for world.no_union_enterprise (express, no union)."""
    return client_for(issue_partner_token(world.no_union_enterprise, actor=COMMAND))


def roster_row(seq: int, **overrides: object) -> dict[str, object]:
    row = worker_data(seq, labor_relation="employee", station_code=None, active=True)
    row.pop("consent_version")
    row["external_id"] = f"rider-{seq}"
    row.update(overrides)
    return row
