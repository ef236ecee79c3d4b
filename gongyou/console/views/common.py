"""Small helpers shared by the console views: paging, the acting user, form errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import pgettext

from gongyou.core.access import staff_profile
from gongyou.core.actors import Actor

PER_PAGE = 50
# Lists counted exactly up to this many rows; beyond it the pager shows PostgreSQL's planner
# estimate ("约 N 条"): an exact COUNT(*) over a city's million members costs more than the whole
# 300 ms page budget (issue 13 part 7), and nobody pages to the 20,000th page of a list.
EXACT_COUNT_UP_TO = 10_000
ShortOrder = Callable[[QuerySet[Any]], QuerySet[Any]]


class ListPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most EXACT_COUNT_UP_TO + 1 rows (count_or_estimate); a longer list gets the
    planner's row estimate (never less than what was counted) and `estimated` is set, so the
    page says "约"."""

    estimated = False

    def __init__(self, object_list: Any, per_page: int, *, short_order: ShortOrder | None = None) -> None:
        super().__init__(object_list, per_page)
        self.short_order = short_order

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        n, self.estimated = count_or_estimate(qs)
        return n

    def page(self, number: Any) -> Page[Any]:
        # Counted exactly and short: `short_order` re-states the order so the database sorts the
        # few matching rows instead of walking the list-order index past a million that do not.
        qs = self.object_list
        if isinstance(qs, QuerySet) and self.short_order is not None and connections[qs.db].vendor == "postgresql":
            self.object_list = self._short(qs, self.short_order)
        return super().page(number)

    def _short(self, qs: QuerySet[Any], short_order: ShortOrder) -> QuerySet[Any]:
        return short_order(qs) if not self.estimated and self.count <= EXACT_COUNT_UP_TO else qs


def count_or_estimate(qs: QuerySet[Any]) -> tuple[int, bool]:
    """(rows, estimated): exact up to EXACT_COUNT_UP_TO, the planner's estimate beyond it (on
    PostgreSQL; other databases count exactly)."""
    if connections[qs.db].vendor != "postgresql":
        return qs.count(), False
    bounded = qs.order_by()[: EXACT_COUNT_UP_TO + 1].count()
    if bounded <= EXACT_COUNT_UP_TO:
        return bounded, False
    return max(_planner_rows(qs), bounded), True


def _planner_rows(qs: QuerySet[Any]) -> int:
    """The planner's estimate of the rows `qs` returns (EXPLAIN, not run), rounded to three
    significant digits since it is only an estimate."""
    plan = json.loads(qs.order_by().explain(format="json"))
    rows = int(plan[0]["Plan"]["Plan Rows"])
    digits = max(len(str(rows)) - 3, 0)
    return round(rows, -digits)


def actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user)


def paginate(
    request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE, *, short_order: ShortOrder | None = None
) -> dict[str, Any]:
    """A page of `qs` plus the current query string without `page`, for the pager links.
    `short_order`: ListPaginator's (the same order, stated so no index serves it)."""
    page: Page[Any] = ListPaginator(qs, per_page, short_order=short_order).get_page(request.GET.get("page"))
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
