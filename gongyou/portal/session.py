"""Who the worker is: the membership id in the session, set after an SMS-verified join or login.

The key "portal_membership_id" is shared with other apps (positions check-ins, benefits claims)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gongyou.members.models import Membership

SESSION_KEY = "portal_membership_id"


def log_in(request: HttpRequest, membership: Membership) -> None:
    # A fresh session id on every login: a planted session cookie cannot ride along.
    request.session.cycle_key()
    request.session[SESSION_KEY] = membership.pk


def log_out(request: HttpRequest) -> None:
    request.session.flush()


def current_membership(request: HttpRequest) -> Membership | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    membership = (
        Membership.objects.select_related("person", "org", "org__region").filter(pk=pk).first()
    )
    if membership is None or membership.person.anonymised_at is not None:
        return None
    return membership


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = current_membership(request)
        if membership is None:
            return redirect(f"{reverse('portal:login')}?next={request.path}")
        request.membership = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
