"""The client address behind a proxy (issue 14 item 9)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from gongyou.core.clientaddr import client_ip, resolve
from gongyou.env import parse_networks

PROXIES = parse_networks("GONGYOU_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12")


def test_it_ignores_forwarded_headers_from_an_untrusted_peer():
    assert resolve("203.0.113.9", "198.51.100.1", "198.51.100.2", PROXIES) == "203.0.113.9"


def test_it_takes_the_client_from_a_trusted_proxy():
    assert resolve("10.0.0.1", "198.51.100.7", "", PROXIES) == "198.51.100.7"
    assert resolve("10.0.0.1", "", "198.51.100.8", PROXIES) == "198.51.100.8"


def test_it_skips_only_trusted_hops_so_a_forged_left_entry_proves_nothing():
    # The client wrote "1.2.3.4"; nginx appended the address it saw; an inner proxy added its own.
    assert resolve("10.0.0.1", "1.2.3.4, 198.51.100.7, 172.16.5.5", "", PROXIES) == "198.51.100.7"
    assert resolve("10.0.0.1", "not-an-ip, 172.16.5.5", "", PROXIES) == "172.16.5.5"


def test_the_setting_refuses_a_bad_entry():
    with pytest.raises(ImproperlyConfigured, match="GONGYOU_TRUSTED_PROXIES"):
        parse_networks("GONGYOU_TRUSTED_PROXIES", "10.0.0.1, nginx")


def test_client_ip_reads_the_setting(settings):
    settings.GONGYOU_TRUSTED_PROXIES = PROXIES
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"
    settings.GONGYOU_TRUSTED_PROXIES = ()
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "10.0.0.1"
