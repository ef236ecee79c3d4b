"""Honours and competitions (SPEC §5): competitions held in scope with their results, nominations
for model worker / May Day medal / Worker Pioneer / craftsman with their outcome, and the figures
by honour and gig industry. Reads through honours.access, writes through honours.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, flash_error, paginate
from gongyou.core import crypto, excel
from gongyou.core.access import root_org
from gongyou.core.choices import Industry
from gongyou.honours.access import (
    competition_in_scope,
    competitions_in_scope,
    nomination_in_scope,
    nominations_in_scope,
)
from gongyou.honours.inputs import clean_competition, clean_nomination
from gongyou.honours.models import Competition, Nomination
from gongyou.honours.queries import honour_stats
from gongyou.honours.services import create_competition, decide_nomination, nominate, record_result
from gongyou.honours.vocab import HonourKind, NominationStatus
from gongyou.members.access import membership_for
from gongyou.members.models import Membership


def _member(request: HttpRequest, member_no: str) -> Membership:
    try:
        return membership_for(request.user, member_no.strip().upper())
    except Http404:
        raise ValidationError({"member_no": [ValidationError(_("找不到这个会员编号"), code="unknown_member")]}) from None


def _org(request: HttpRequest) -> Any:
    org = root_org(request.user)
    if org is None:
        raise Http404
    return org


# --- nominations ------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else None


def _nominations(request: HttpRequest) -> QuerySet[Nomination]:
    qs = nominations_in_scope(request.user)
    year = _year(request)
    if year is not None:
        qs = qs.filter(year=year)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in HonourKind.values:
        qs = qs.filter(kind=kind)
    if status in NominationStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "kind", "-id")


@console_view
def nomination_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scope = nominations_in_scope(request.user)
    context = paginate(request, _nominations(request))
    context.update(
        stats=honour_stats(scope.filter(year=year) if year is not None else scope),
        industries=Industry.choices,
        kinds=HonourKind.choices,
        statuses=NominationStatus.choices,
        year=year,
        this_year=timezone.localdate().year,
        can_write=can_write(request.user),
    )
    return render(request, "console/honours/nominations.html", context)


NOMINATION_HEADER = [_l("年度"), _l("荣誉"), _l("会员编号"), _l("姓名或集体"), _l("行业"), _l("推荐工会"), _l("状态"), _l("评定日期"), _l("主要事迹")]


@console_view
def nomination_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [n.year, n.get_kind_display(), n.membership.member_no if n.membership else "",
         n.team or (crypto.mask_name(n.membership.person.name) if n.membership else ""),
         n.get_industry_display(), n.org.name, n.get_status_display(), n.decided_on or "", n.citation]
        for n in _nominations(request)
    )  # fmt: skip
    return excel.export(_("荣誉推荐"), NOMINATION_HEADER, rows)


@require_POST
@console_view
def nomination_new(request: HttpRequest) -> HttpResponse:
    try:
        data = clean_nomination(request.POST, this_year=timezone.localdate().year)
        membership = _member(request, data.member_no) if data.member_no else None
        nominate(_org(request), data, membership, actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已推荐。"))
    return redirect("console:honours")


@require_POST
@console_view
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_in_scope(request.user, pk)
    try:
        decide_nomination(nomination, request.POST.get("awarded") == "1", actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已记录评定结果。"))
    return redirect("console:honours")


# --- competitions -----------------------------------------------------------------------------


def _competitions(request: HttpRequest) -> QuerySet[Competition]:
    return competitions_in_scope(request.user).annotate(n_results=Count("results")).order_by("-held_on", "-id")


@console_view
def competition_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _competitions(request))
    context.update(industries=Industry.choices, can_write=can_write(request.user))
    return render(request, "console/honours/competitions.html", context)


COMPETITION_HEADER = [_l("竞赛名称"), _l("主办工会"), _l("行业"), _l("举办日期"), _l("地点"), _l("获奖人数")]


@console_view
def competition_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [c.title, c.org.name, c.get_industry_display() if c.industry else "", c.held_on, c.place, c.n_results]  # type: ignore[attr-defined]
        for c in _competitions(request)
    )
    return excel.export(_("劳动和技能竞赛"), COMPETITION_HEADER, rows)


@require_POST
@console_view
def competition_new(request: HttpRequest) -> HttpResponse:
    try:
        competition = create_competition(_org(request), clean_competition(request.POST), actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("console:competitions")
    messages.success(request, _("已登记竞赛。"))
    return redirect("console:competition", competition.pk)


@console_view
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_in_scope(request.user, pk)
    if request.method == "POST":
        try:
            record_result(competition, _member(request, request.POST.get("member_no", "")), request.POST.get("award", ""), actor=actor(request))
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("已登记成绩。"))
        return redirect("console:competition", competition.pk)
    context = {
        "competition": competition,
        "results": competition.results.select_related("membership__person").order_by("id"),
        "can_write": can_write(request.user),
    }
    return render(request, "console/honours/competition.html", context)


RESULT_HEADER = [_l("会员编号"), _l("姓名"), _l("行业"), _l("名次或奖项")]


@console_view
def competition_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    competition = competition_in_scope(request.user, pk)
    rows = (
        [r.membership.member_no, crypto.mask_name(r.membership.person.name), r.membership.person.get_industry_display(), r.award]
        for r in competition.results.select_related("membership__person").order_by("id")
    )
    return excel.export(_("竞赛成绩"), RESULT_HEADER, rows)
