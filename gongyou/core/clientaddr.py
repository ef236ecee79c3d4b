"""The client's address, the one every rate limit and the login lockout count by.

Behind nginx or a load balancer REMOTE_ADDR is the proxy, so every client would share one
address (and twenty failed logins anywhere would lock out all staff). The forwarded headers are
believed only when the immediate peer is a proxy the operator listed in GONGYOU_TRUSTED_PROXIES:
anyone else can write any X-Forwarded-For they like.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gongyou.env import IPNetwork

RESOLVED = "gongyou.client_ip"
PEER = "gongyou.peer_ip"


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5555"
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def resolve(peer: str, forwarded_for: str, real_ip: str, networks: tuple[IPNetwork, ...]) -> str:
    """The first address, walking X-Forwarded-For from the right, that is not a trusted proxy:
    entries left of it were written by the client and prove nothing."""
    if not _trusted(_address(peer), networks):
        return peer or "unknown"
    hops = [hop for hop in (h.strip() for h in forwarded_for.split(",")) if hop]
    last = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return last  # garbage in the chain: stop at the last address we can vouch for
        if not _trusted(address, networks):
            return str(address)
        last = str(address)
    if hops:
        return last  # every hop was one of ours: the leftmost is the client
    address = _address(real_ip)
    return str(address) if address is not None else peer


def client_ip(request: HttpRequest) -> str:
    cached = request.META.get(RESOLVED)
    if cached:
        return str(cached)
    address = resolve(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        request.META.get("HTTP_X_REAL_IP", ""),
        getattr(settings, "GONGYOU_TRUSTED_PROXIES", ()),
    )
    request.META[RESOLVED] = address
    return address


class ClientAddressMiddleware:
    """Puts the resolved address into REMOTE_ADDR (the proxy's own address stays in
    META["gongyou.peer_ip"]), so code that reads REMOTE_ADDR directly — DRF's throttles, Django's
    request logging — counts the same client as our own rate limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META[PEER] = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = client_ip(request)
        return self.get_response(request)
