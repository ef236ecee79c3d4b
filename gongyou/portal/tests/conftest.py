import pytest
from django.core.cache import cache
from django.urls import reverse

from gongyou.benefits.tests.conftest import make_campaign, make_member  # noqa: F401 (fixtures for the benefits pages)
from gongyou.core.actors import Actor
from gongyou.core.testing import make_id_number, make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.portal.session import SESSION_KEY
from gongyou.portal.sms import ConsoleBackend
from gongyou.positions.tests.conftest import fresh_index, make_position  # noqa: F401 (fixtures for the positions pages)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and the demo outbox live in the (process-wide) cache.
    cache.clear()
    yield
    cache.clear()


def get_code(client, phone, purpose="join"):
    response = client.post(reverse("portal:sms_send"), {"phone": phone, "purpose": purpose})
    assert response.status_code == 200, response.content
    code = ConsoleBackend.last_code(phone, purpose)
    assert code is not None, response.content.decode()
    return code


def join_form(seq, **overrides):
    data = {
        "name": f"测试{seq}号",
        "id_number": make_id_number(seq),
        "phone": make_phone(seq),
        "sms_code": "",
        "district": "310104",
        "street_code": "310104014",
        "industry": "food_delivery",
        "labor_relation": "independent",
        "employer": "",
        "station_code": "",
        "consent": "on",
        "consent_id": "on",
        "action": "join",
    }
    data.update(overrides)
    return data


def post_join(client, seq, *, with_code=True, **overrides):
    data = join_form(seq, **overrides)
    if with_code and not data["sms_code"]:
        data["sms_code"] = get_code(client, data["phone"])
    return client.post(reverse("portal:join"), data)


@pytest.fixture
def member(world):
    """An active individual member of the food-delivery street union."""
    return join(clean_worker(worker_data(500)), channel="online", actor=Actor.worker()).membership


@pytest.fixture
def member_client(client, member):
    session = client.session
    session[SESSION_KEY] = member.pk
    session.save()
    return client
