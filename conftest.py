"""Shared fixtures: the Shanghai regions, a small org world and the staff personas of STYLE §6
(city officer, street officer, station leader, enterprise-union officer, outsider, viewer)."""

from __future__ import annotations

import pytest

from gongyou.core.actors import COMMAND
from gongyou.core.models import StaffProfile
from gongyou.core.services import create_staff, load_regions
from gongyou.core.testing import World, build_world

PASSWORD = "Gongyou-test-2026!"


@pytest.fixture(autouse=True, scope="session")
def _test_runner_may_flush_the_audit_log():
    # Django's flush between transactional tests DELETEs rows on SQLite; the audit log's trigger
    # lets it through only while this is set (gongyou/core/db.py). The ORM refusal stays on.
    from gongyou.core.db import set_audit_purge_allowed

    previous = set_audit_purge_allowed(True)
    yield
    set_audit_purge_allowed(previous)


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # Background jobs run inside the request that enqueues them (gongyou/core/jobs.py), so a test
    # sees their effect at once; the worker tests (gongyou/core/tests/test_jobs_worker.py) switch
    # to the database and RQ backends themselves.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttle counters and cached dashboard reads (gongyou/insight/queries.py) must not carry
    # from one test into the next: SQLite reuses ids after a rollback.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_kept_streets():
    # Streets kept by code (gongyou/core/streets.py) must not outlive the test that loaded them:
    # a rollback removes the rows and the next test's streets get other ids.
    from gongyou.core.streets import forget_streets

    forget_streets()


@pytest.fixture(autouse=True)
def _figures_counted_on_every_read(settings):
    # Tests change something and read the figures at once; the shared minute of today's counts
    # (GONGYOU_INSIGHT_LIVE_SECONDS) and the coverage page's shared counts (GONGYOU_COVERAGE_SECONDS)
    # have their own tests (gongyou/insight/tests/test_indicators.py, positions/tests/test_coverage.py).
    settings.GONGYOU = {**settings.GONGYOU, "INSIGHT_LIVE_SECONDS": 0, "COVERAGE_SECONDS": 0}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for production logins, not for building personas per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    # A request with Accept-Language: en leaves English active in the test thread; start every
    # test in the product's default language so results never depend on test order.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def passed_second_factor():
    """Mark a force_login'ed client's session as past the console's TOTP step (the console's
    gate, also in front of /admin/, asks admins for it)."""

    def mark(client):
        from gongyou.console import security

        session = client.session
        session[security.OTP_OK] = True
        session.save()
        return client

    return mark


@pytest.fixture
def regions(db):
    load_regions()


@pytest.fixture
def world(regions) -> World:
    return build_world()


def _staff(username, org, role=StaffProfile.Role.OFFICER):
    return create_staff(username=username, password=PASSWORD, org=org, role=role, actor=COMMAND)


@pytest.fixture
def personas(world):
    """username → user, one per scope."""
    return {
        "city": _staff("city", world.city),
        "street": _staff("street", world.street_fed),
        "other_street": _staff("other_street", world.other_street_fed),
        "station": _staff("station", world.station_union),
        "agent": _staff("agent", world.agent_union),
        "viewer": _staff("viewer", world.street_fed, StaffProfile.Role.VIEWER),
    }
