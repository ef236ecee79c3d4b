"""Typed readers for settings that come from the environment.

A bad value stops start-up with a message naming the variable, so a typo never turns into a
silently different configuration.
"""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_weights(name: str, default: str) -> dict[str, int]:
    """`code:weight,code:weight` (e.g. `members_active:30,people_served:30`): non-negative integers."""
    value = os.environ.get(name)
    text = default if value is None or value.strip() == "" else value
    weights: dict[str, int] = {}
    for item in text.split(","):
        code, sep, number = item.strip().partition(":")
        if not sep or not code.strip() or not number.strip().isdigit():
            raise ImproperlyConfigured(f"{name} must look like 'code:30,code:20', got {text!r}")
        weights[code.strip()] = int(number)
    if not any(weights.values()):
        raise ImproperlyConfigured(f"{name} needs at least one weight above 0, got {text!r}")
    return weights


def parse_networks(name: str, value: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP addresses and CIDR blocks ("10.0.0.1, 172.16.0.0/12")."""
    networks: list[IPNetwork] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must list IP addresses or CIDR blocks, got {item!r}") from exc
    return tuple(networks)


def env_networks(name: str, default: str = "") -> tuple[IPNetwork, ...]:
    value = os.environ.get(name)
    return parse_networks(name, default if value is None else value)
