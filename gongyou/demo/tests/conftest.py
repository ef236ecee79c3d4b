from __future__ import annotations

import pytest

from gongyou.benefits.tests.conftest import make_campaign  # noqa: F401 (fixture for the funds demo)
from gongyou.positions import index


@pytest.fixture(autouse=True)
def fresh_index():
    """The positions index lives in the process: seed tests start and end with it empty."""
    index.invalidate()
    yield
    index.invalidate()
