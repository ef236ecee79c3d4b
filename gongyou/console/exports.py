"""Excel exports of lists that may be large: up to GONGYOU_EXPORT_INLINE_ROWS rows answer at
once, as before; more become a background job (console.tasks.build_export) and the officer is
sent to its page, which shows progress and the download link when the file is ready.

Adding a list: a builder `(user, params) -> (title, header, rows)` in BUILDERS, and its export
view calls `respond(request, kind, count, params)`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from gongyou.core import crypto, excel, jobs

Built = tuple[Any, Sequence[Any], Iterable[Sequence[Any]]]


def _query(params: dict[str, list[str]] | None) -> QueryDict | None:
    if params is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in params.items():
        data.setlist(name, values)
    return data


def _members(user: Any, params: dict[str, Any]) -> Built:
    from gongyou.console.views.members import MEMBER_HEADER, filtered_members, member_rows

    _form, qs = filtered_members(user, _query(params.get("filters")))
    return _("会员名单"), MEMBER_HEADER, member_rows(qs)


def _insured(user: Any, params: dict[str, Any]) -> Built:
    from gongyou.benefits.access import plans_for
    from gongyou.benefits.insurance import INSURED_COLUMNS, insured_list_rows
    from gongyou.core.access import org_in_scope

    plan = plans_for(user).select_related("org").filter(pk=params["plan"]).first()
    if plan is None:
        raise Http404
    if not org_in_scope(user, plan.org):
        raise PermissionDenied
    return _("投保名单"), INSURED_COLUMNS, insured_list_rows(plan)


def _arrears(user: Any, params: dict[str, Any]) -> Built:
    from gongyou.console.views.funds import arrears_sheet

    return arrears_sheet(user)


BUILDERS: dict[str, Callable[[Any, dict[str, Any]], Built]] = {
    "members": _members,
    "arrears": _arrears,
    "insured": _insured,
}


def query_params(data: QueryDict | None) -> dict[str, list[str]] | None:
    return None if data is None else {name: data.getlist(name) for name in data}


def respond(request: HttpRequest, kind: str, count: int, params: dict[str, Any]) -> HttpResponse:
    """The file now for a small list; a background job and its page for a large one."""
    if count <= settings.GONGYOU_EXPORT_INLINE_ROWS:
        title, header, rows = BUILDERS[kind](request.user, params)
        return excel.export(str(title), header, rows)
    from gongyou.console.tasks import build_export

    params_enc = crypto.encrypt(json.dumps(params, ensure_ascii=False))
    job = jobs.enqueue(build_export, kind, request.user.pk, params_enc, count, user=request.user)
    return redirect("console:job", pk=job.pk)
