"""core.streets: a street found by code is kept (no query the next time), an unknown code is
asked every time, and saving a region, load_regions or the entry's age forget it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongyou.core import streets
from gongyou.core.models import Region
from gongyou.core.services import load_regions
from gongyou.core.streets import street_by_code


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, len(ctx.captured_queries)


@pytest.fixture
def street(regions) -> Region:
    return Region.objects.filter(level=Region.Level.STREET).order_by("pk")[0]


def test_a_found_street_is_kept(street):
    assert queries(lambda: street_by_code(street.code)) == (street, 1)
    assert queries(lambda: street_by_code(street.code)) == (street, 0)


def test_an_unknown_code_and_a_district_code_are_asked_every_time(street):
    district = street.parent
    for code in ("999999999", district.code):
        assert queries(lambda c=code: street_by_code(c)) == (None, 1)
        assert queries(lambda c=code: street_by_code(c)) == (None, 1)


def test_saving_a_region_or_loading_regions_forgets_the_kept_streets(street):
    street_by_code(street.code)
    street.name = "新名街道"
    street.save()
    found, asked = queries(lambda: street_by_code(street.code))
    assert asked == 1 and found.name == "新名街道"
    load_regions()
    assert queries(lambda: street_by_code(street.code))[1] == 1


def test_a_kept_street_expires(street, monkeypatch):
    street_by_code(street.code)
    now = streets.time.monotonic()
    monkeypatch.setattr(streets.time, "monotonic", lambda: now + streets.STREET_KEEP_SECONDS + 1)
    assert queries(lambda: street_by_code(street.code)) == (street, 1)
