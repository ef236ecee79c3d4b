import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from gongyou.members import join_links as qr
from gongyou.members.join_links import JoinTokenError, make_join_token, read_join_token


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
