"""Join QR downloads and the demo SMS outbox: console pages behind the one staff gate."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from gongyou.core.testing import make_phone
from gongyou.members.join_links import read_join_token
from gongyou.portal.tests.conftest import get_code


def test_downloads_require_a_staff_login(client, world):
    response = client.get(reverse("console:join_qr", args=["org", world.street_fed.pk, "png"]))
    assert response.status_code == 302 and "/console/login/" in response["Location"]


@pytest.mark.parametrize("fmt,prefix", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_street_officer_downloads_codes_for_orgs_in_scope(client, personas, world, fmt, prefix):
    client.force_login(personas["street"])
    response = client.get(reverse("console:join_qr", args=["org", world.street_union_food.pk, fmt]))
    assert response.status_code == 200
    assert response.content.startswith(prefix)


def test_the_link_format_opens_the_join_page_with_the_context(client, personas, world):
    client.force_login(personas["station"])
    url = client.get(reverse("console:join_qr", args=["station", world.station.pk, "txt"])).content.decode()
    assert url.startswith("http://testserver/join/?t=")
    token = parse_qs(urlsplit(url).query)["t"][0]
    assert read_join_token(token).station == world.station


def test_out_of_scope_org_and_station_are_404(client, personas, world):
    client.force_login(personas["other_street"])
    assert client.get(reverse("console:join_qr", args=["org", world.street_union_food.pk, "png"])).status_code == 404
    assert client.get(reverse("console:join_qr", args=["station", world.station.pk, "png"])).status_code == 404
    assert client.get(reverse("console:join_qr", args=["org", 999999, "png"])).status_code == 404


def test_a_user_without_staff_profile_is_refused_by_the_console_gate(client, world, django_user_model):
    # One staff gate: the console's answer for a logged-in non-staff user (was a 404 of its own).
    user = django_user_model.objects.create_user("nobody", password="x-Very-long-1")
    client.force_login(user)
    assert client.get(reverse("console:join_qr", args=["org", world.city.pk, "png"])).status_code == 403


def test_bad_expiry_is_a_400(client, personas, world):
    client.force_login(personas["city"])
    response = client.get(reverse("console:join_qr", args=["org", world.city.pk, "png"]) + "?days=99999")
    assert response.status_code == 400


def test_the_demo_sms_page_is_for_staff_only(client, personas):
    get_code(client, make_phone(1))
    assert client.get(reverse("console:demo_sms")).status_code == 302
    client.force_login(personas["viewer"])
    body = client.get(reverse("console:demo_sms")).content.decode()
    assert "139****0001" in body and "入会" in body
