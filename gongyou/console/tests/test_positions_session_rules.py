"""Staff pages of the positions app obey the console's session rules (one gate for all staff pages)."""

import datetime as dt

import pytest
from django.utils import timezone

from gongyou.console import security

PAGES = ["/stations/manage/", "/stations/manage/coverage/", "/stations/manage/feedback/"]


@pytest.mark.parametrize("url", PAGES)
def test_it_logs_out_an_idle_session(client, personas, url):
    client.force_login(personas["street"])
    assert client.get(url).status_code == 200
    session = client.session
    session[security.LAST_SEEN] = (timezone.now() - dt.timedelta(minutes=31)).timestamp()
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_the_console_navigation_links_to_the_positions_pages(client, personas):
    client.force_login(personas["street"])
    html = client.get("/console/").content.decode()
    for url in PAGES:
        assert f'href="{url}"' in html
    page = client.get("/stations/manage/").content.decode()
    assert 'href="/console/members/"' in page
