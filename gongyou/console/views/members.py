"""Member list: search, filters, paging and Excel export of the current result."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

from django.db.models import DurationField, F, Value
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from gongyou.console import exports
from gongyou.console.decorators import console_view
from gongyou.console.filters import MemberFilter
from gongyou.console.views.common import paginate
from gongyou.members.access import memberships_for

# The search box takes ID numbers and phones, which must not sit in access and proxy logs: the
# text is POSTed, kept in the session and the address carries only an opaque search id (?s=…).
SEARCHES = "console_member_searches"
KEEP_SEARCHES = 20


def _remember_search(request: HttpRequest, text: str) -> str:
    searches = dict(request.session.get(SEARCHES, {}))
    key = secrets.token_urlsafe(9)
    searches[key] = text
    request.session[SEARCHES] = dict(list(searches.items())[-KEEP_SEARCHES:])
    return key


def _search_redirect(request: HttpRequest, params: QueryDict) -> HttpResponse:
    """The same filters at a GET address, with the search text swapped for its id."""
    params = params.copy()
    for name in ("q", "csrfmiddlewaretoken", "page"):
        params.pop(name, None)
    text = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()
    if text:
        params["s"] = _remember_search(request, text)
    else:
        params.pop("s", None)
    query = params.urlencode()
    return redirect(reverse("console:members") + (f"?{query}" if query else ""))


def _filter_data(request: HttpRequest) -> QueryDict | None:
    if not request.GET:
        return None
    data = request.GET.copy()
    data.pop("s", None)
    text = request.session.get(SEARCHES, {}).get(request.GET.get("s", ""))
    if text:
        data["q"] = text
    return data


def _filtered(request: HttpRequest) -> tuple[MemberFilter, Any]:
    return filtered_members(request.user, _filter_data(request))


# A scope of up to this many unions (a street's, a district's) is written out in the member query:
# core.access.scoped.
LISTED_SCOPE = 200


def filtered_members(user: Any, data: QueryDict | None) -> tuple[MemberFilter, Any]:
    form = MemberFilter(data, user=user)
    qs = memberships_for(user, listed_up_to=LISTED_SCOPE).select_related("person__work_street", "org")
    qs = form.apply(qs) if form.is_bound else qs
    return form, qs.order_by("-applied_at", "-id")


def sorted_short(qs: Any) -> Any:
    """The member list's order (newest application first) stated so that no index matches it:
    for a list of at most ten thousand, PostgreSQL fetches those rows by the filters' indexes and
    sorts them, instead of walking the applied-order index over the whole city hoping to meet 50
    matches early (a street's active food-delivery riders: 1.1 s → tens of ms at a million)."""
    unindexed = F("applied_at") + Value(dt.timedelta(0), output_field=DurationField())
    return qs.order_by(unindexed.desc(), (F("id") + 0).desc())


@console_view(post_reads=True)
def member_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search_redirect(request, request.POST)
    if "q" in request.GET:  # an old bookmark or a hand-typed address: move the text out of the URL
        return _search_redirect(request, request.GET)
    form, qs = _filtered(request)
    return render(request, "console/members/list.html", {"form": form, **paginate(request, qs, short_order=sorted_short)})


def member_rows(qs: Any) -> Iterator[list[Any]]:
    for m in qs.iterator(chunk_size=2000):
        p = m.person
        yield [
            m.member_no, p.name, p.id_masked, p.phone_masked, m.org.name, p.get_industry_display(),
            p.work_street.name, p.get_labor_relation_display(), m.get_mode_display(), m.get_channel_display(),
            m.get_status_display(), m.applied_at, m.joined_at,
        ]


MEMBER_HEADER = [
    _l("会员编号"), _l("姓名"), _l("身份证号码"), _l("手机号码"), _l("所属工会"), _l("行业"), _l("工作街镇"),
    _l("用工关系"), _l("入会方式"), _l("入会渠道"), _l("状态"), _l("申请时间"), _l("入会时间"),
]


@console_view
def member_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    return exports.respond(request, "members", qs.count(), {"filters": exports.query_params(_filter_data(request))})

