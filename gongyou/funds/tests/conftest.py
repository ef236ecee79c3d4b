from __future__ import annotations

import pytest

from gongyou.core.actors import COMMAND
from gongyou.funds.inputs import clean_posting
from gongyou.funds.services import open_account


def posting(amount, key=None, memo="测试", date=None):
    return clean_posting({"amount_fen": amount, "idempotency_key": key, "memo": memo, "date": date})


@pytest.fixture
def ledger(world):
    """City finance (a source, may go negative) and union funds of the city and a street."""

    class Ledger:
        finance = open_account(world.city, "city_finance", actor=COMMAND)
        city_fund = open_account(world.city, "union_city", actor=COMMAND)
        street_fund = open_account(world.street_fed, "union_street", actor=COMMAND)
        other_fund = open_account(world.other_street_fed, "union_street", actor=COMMAND)

    return Ledger
