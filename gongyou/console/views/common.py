"""Small helpers shared by the console views: paging, the acting user, form errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import pgettext

from gongyou.core.access import staff_profile
from gongyou.core.actors import Actor

PER_PAGE = 50


def actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user)


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE) -> dict[str, Any]:
    """A page of `qs` plus the current query string without `page`, for the pager links."""
    page: Page[Any] = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page": page, "rows": page.object_list, "query": params.urlencode()}


def error_text(exc: ValidationError) -> str:
    return pgettext("separator", "；").join(str(m) for m in exc.messages)


def flash_error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, error_text(exc))


def int_list(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def can_write(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    profile = staff_profile(user)
    return bool(profile and profile.can_write)


def safe_next(request: HttpRequest) -> str:
    """The POSTed `next` when it points back into this site, else ""."""
    target = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else ""
