"""Collective bargaining pages (SPEC §6; seed Annex 3 §三5): negotiations and signed agreements of
the unions in scope, opening and editing one (status moves forward only), and the coverage of
agreements in force by district and industry. Reads through voice.access, writes through
voice.services (audited there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, int_list, paginate
from gongyou.console.views.consultations import day
from gongyou.core import excel
from gongyou.core.access import enterprises_in_scope, root_org
from gongyou.core.choices import Industry
from gongyou.core.errors import django_errors
from gongyou.core.models import Org, Region
from gongyou.voice.access import agreement_in_scope, agreements_in_scope
from gongyou.voice.inputs import clean_agreement
from gongyou.voice.models import Agreement, in_force_q
from gongyou.voice.queries import coverage, roster_workers_covered
from gongyou.voice.services import create_agreement, update_agreement
from gongyou.voice.vocab import AGREEMENT_NEXT, AgreementKind, AgreementStatus, Subject


def _agreements(request: HttpRequest) -> QuerySet[Agreement]:
    qs = agreements_in_scope(request.user).annotate(n_enterprises=Count("enterprises"))
    for key, choices in (("status", AgreementStatus), ("kind", AgreementKind), ("industry", Industry)):
        value = request.GET.get(key, "")
        if value in choices.values:
            qs = qs.filter(**{key: value})
    if request.GET.get("in_force"):
        qs = qs.filter(in_force_q(timezone.localdate()))
    return qs.order_by("-created_at", "-id")


def _filters() -> dict[str, Any]:
    return {"statuses": AgreementStatus.choices, "kinds": AgreementKind.choices, "industries": Industry.choices}


@console_view
def agreement_list(request: HttpRequest) -> HttpResponse:
    context = {"can_write": can_write(request.user), **_filters(), **paginate(request, _agreements(request))}
    return render(request, "console/voice/agreements.html", context)


AGREEMENT_HEADER = [_l("名称"), _l("类型"), _l("行业"), _l("适用区域"), _l("工会方"), _l("企业方"), _l("协商内容"), _l("状态"),
                    _l("签订日期"), _l("生效日期"), _l("期满日期"), _l("覆盖企业数"), _l("覆盖职工人数")]  # fmt: skip


@console_view
def agreement_export(request: HttpRequest) -> HttpResponse:
    labels = dict(Subject.choices)
    rows = (
        [a.title, a.get_kind_display(), a.get_industry_display(), a.region.full_name, a.org.name, a.employer_side,
         "、".join(str(labels.get(s, s)) for s in a.subjects), a.get_status_display(), a.signed_on or "",
         a.effective_from or "", a.effective_to or "", a.n_enterprises, a.workers_covered]  # type: ignore[attr-defined]
        for a in _agreements(request)
    )  # fmt: skip
    return excel.export(_("集体合同"), AGREEMENT_HEADER, rows)


def _regions(org: Org | None) -> QuerySet[Region]:
    """The org's own region and the regions inside it: where it may negotiate for."""
    if org is None:
        return Region.objects.none()
    own = org.region
    qs = Region.objects.select_related("parent")
    if own.level == Region.Level.CITY:
        return qs.filter(level__in=[Region.Level.CITY, Region.Level.DISTRICT])
    if own.level == Region.Level.DISTRICT:
        return qs.filter(pk=own.pk) | qs.filter(parent=own)
    return qs.filter(pk=own.pk)


def _form_context(
    request: HttpRequest, org: Org | None, errors: dict[str, Any], form: Any, **extra: Any
) -> dict[str, Any]:
    chosen = form.getlist("subjects") if hasattr(form, "getlist") else form.get("subjects", [])
    picked = form.getlist("enterprises") if hasattr(form, "getlist") else form.get("enterprises", [])
    return {
        "errors": errors,
        "form": form,
        "chosen_subjects": chosen,
        "chosen_enterprises": [str(v) for v in picked],
        "subjects": Subject.choices,
        "regions": _regions(org).order_by("code"),
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:400],
        **_filters(),
        **extra,
    }


def _save(request: HttpRequest, agreement: Agreement | None) -> tuple[Agreement | None, dict[str, Any]]:
    org = agreement.org if agreement else root_org(request.user)
    if org is None:
        raise Http404
    post = request.POST
    try:
        data = clean_agreement(post, post.getlist("subjects"))
        enterprises = enterprises_in_scope(request.user).filter(pk__in=int_list(post.getlist("enterprises")))
        if agreement is None:
            return create_agreement(org, data, enterprises, actor=actor(request)), {}
        return update_agreement(agreement, data, enterprises, actor=actor(request)), {}
    except ValidationError as exc:
        return None, django_errors(exc)


@console_view
def agreement_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    if request.method == "POST":
        saved, errors = _save(request, None)
        if saved is not None:
            messages.success(request, _("已登记“%(title)s”") % {"title": saved.title})
            return redirect("console:agreement", saved.pk)
    form: Any = request.POST if request.method == "POST" else {"status": AgreementStatus.PROPOSED}
    context = _form_context(request, root_org(request.user), errors, form, statuses=AgreementStatus.choices)
    return render(request, "console/voice/agreement_form.html", context, status=400 if errors else 200)


def _as_form(a: Agreement) -> dict[str, Any]:
    def iso(d: dt.date | None) -> str:
        return d.isoformat() if d else ""

    return {
        "title": a.title, "kind": a.kind, "industry": a.industry, "region": str(a.region_id), "subjects": a.subjects,
        "employer_side": a.employer_side, "status": a.status, "signed_on": iso(a.signed_on),
        "effective_from": iso(a.effective_from), "effective_to": iso(a.effective_to),
        "workers_covered": a.workers_covered, "notes": a.notes,
        "enterprises": list(a.enterprises.values_list("pk", flat=True)),
    }  # fmt: skip


@console_view
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_in_scope(request.user, pk)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        saved, errors = _save(request, agreement)
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("console:agreement", saved.pk)
    form: Any = request.POST if request.method == "POST" else _as_form(agreement)
    current = AgreementStatus(agreement.status)
    statuses = [(v, label) for v, label in AgreementStatus.choices if v == current or v in AGREEMENT_NEXT[current]]
    context = _form_context(request, agreement.org, errors, form, agreement=agreement, statuses=statuses)
    return render(request, "console/voice/agreement_form.html", context, status=400 if errors else 200)


@console_view
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_in_scope(request.user, pk)
    labels = dict(Subject.choices)
    context = {
        "agreement": agreement,
        "subjects": [labels.get(s, s) for s in agreement.subjects],
        "enterprises": agreement.enterprises.select_related("street"),
        "in_force": agreement.in_force(),
        "can_write": can_write(request.user),
        "roster_workers": roster_workers_covered(agreement),
        "count_minutes": (settings.GONGYOU["COVERAGE_SECONDS"] + 59) // 60,
    }
    return render(request, "console/voice/agreement.html", context)


# --- coverage ---------------------------------------------------------------------------------


def _coverage(request: HttpRequest) -> tuple[list[Any], dt.date]:
    on = day(request.GET.get("on", "")) or timezone.localdate()
    return coverage(agreements_in_scope(request.user), on), on


@console_view
def agreement_coverage(request: HttpRequest) -> HttpResponse:
    rows, on = _coverage(request)
    context = {
        "rows": rows,
        "on": on,
        "total_workers": sum(r.workers for r in rows),
        "total_agreements": sum(r.agreements for r in rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "console/voice/coverage.html", context)


COVERAGE_HEADER = [_l("区"), _l("区划代码"), _l("行业"), _l("生效集体合同"), _l("覆盖企业数"), _l("覆盖职工人数")]


@console_view
def agreement_coverage_export(request: HttpRequest) -> HttpResponse:
    rows, _on = _coverage(request)
    data = ([r.district, r.district_code, r.industry_label, r.agreements, r.enterprises, r.workers] for r in rows)
    return excel.export(_("集体合同覆盖"), COVERAGE_HEADER, data)
