import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from gongyou.portal import qr
from gongyou.portal.qr import JoinTokenError, make_join_token, read_join_token


def test_it_round_trips_org_station_and_campaign(world):
    token = make_join_token(org=world.street_union_food, station=world.bare_station, campaign="summer-2026")
    context = read_join_token(token)
    assert context.org == world.street_union_food
    assert context.station == world.bare_station
    assert context.campaign == "summer-2026"
    assert context.street == world.bare_station.street


def test_a_station_union_token_carries_its_station(world):
    context = read_join_token(make_join_token(org=world.station_union))
    assert context.station == world.station
    assert context.union == world.station_union


def test_it_rejects_an_expired_token(world, monkeypatch):
    token = make_join_token(org=world.street_fed, expires_days=1)
    later = timezone.now() + dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(JoinTokenError) as info:
        read_join_token(token)
    assert info.value.code == "expired"


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t, lambda t: ""])
def test_it_rejects_a_tampered_token(world, mangle):
    with pytest.raises(JoinTokenError) as info:
        read_join_token(mangle(make_join_token(org=world.street_fed)))
    assert info.value.code == "invalid"


def test_a_token_signed_for_another_purpose_is_refused(world):
    forged = signing.dumps({"x": 2**40, "o": world.street_fed.pk})  # default salt
    with pytest.raises(JoinTokenError):
        read_join_token(forged)


def test_a_token_for_a_dissolved_union_is_refused(world):
    from gongyou.core.models import Org

    token = make_join_token(org=world.street_union_express)
    Org.objects.filter(pk=world.street_union_express.pk).update(status=Org.Status.DISSOLVED)
    with pytest.raises(JoinTokenError):
        read_join_token(token)


def test_the_poster_is_a_real_file(world):
    url = "https://example.org/join/?t=abc"
    pdf = qr.join_poster_pdf(world.station, url)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf


# --- staff downloads --------------------------------------------------------------------------------


def test_downloads_require_a_staff_login(client, world):
    response = client.get(reverse("portal:join_qr", args=["org", world.street_fed.pk, "png"]))
    assert response.status_code == 302 and "/console/login/" in response["Location"]


@pytest.mark.parametrize("fmt,prefix", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_street_officer_downloads_codes_for_orgs_in_scope(client, personas, world, fmt, prefix):
    client.force_login(personas["street"])
    response = client.get(reverse("portal:join_qr", args=["org", world.street_union_food.pk, fmt]))
    assert response.status_code == 200
    assert response.content.startswith(prefix)


def test_the_link_format_opens_the_join_page_with_the_context(client, personas, world):
    client.force_login(personas["station"])
    url = client.get(reverse("portal:join_qr", args=["station", world.station.pk, "txt"])).content.decode()
    assert url.startswith("http://testserver/join/?t=")
    token = parse_qs(urlsplit(url).query)["t"][0]
    assert read_join_token(token).station == world.station


def test_out_of_scope_org_and_station_are_404(client, personas, world):
    client.force_login(personas["other_street"])
    assert client.get(reverse("portal:join_qr", args=["org", world.street_union_food.pk, "png"])).status_code == 404
    assert client.get(reverse("portal:join_qr", args=["station", world.station.pk, "png"])).status_code == 404
    assert client.get(reverse("portal:join_qr", args=["org", 999999, "png"])).status_code == 404


def test_a_user_without_staff_profile_gets_404(client, world, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Very-long-1")
    client.force_login(user)
    assert client.get(reverse("portal:join_qr", args=["org", world.city.pk, "png"])).status_code == 404


def test_bad_expiry_is_a_400(client, personas, world):
    client.force_login(personas["city"])
    response = client.get(reverse("portal:join_qr", args=["org", world.city.pk, "png"]) + "?days=99999")
    assert response.status_code == 400
