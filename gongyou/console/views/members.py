"""Member list: search, filters, paging and Excel export of the current result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console.decorators import console_view
from gongyou.console.filters import MemberFilter
from gongyou.console.views.common import paginate
from gongyou.core import excel
from gongyou.members.access import memberships_for


def _filtered(request: HttpRequest) -> tuple[MemberFilter, Any]:
    form = MemberFilter(request.GET or None, user=request.user)
    qs = memberships_for(request.user).select_related("person__work_street", "org")
    qs = form.apply(qs) if form.is_bound else qs
    return form, qs.order_by("-applied_at", "-id")


@console_view
def member_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    return render(request, "console/members/list.html", {"form": form, **paginate(request, qs)})


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
    return excel.export(_("会员名单"), MEMBER_HEADER, member_rows(qs))

