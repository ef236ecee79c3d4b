"""Rights work beside the cases: the early-warning board, hardship relief applications and
legal check-ups of enterprises (seed Annex 3 §三3–5). Scoped like everything else."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.cases import access
from gongyou.cases.inputs import clean_day, clean_note, clean_whole
from gongyou.cases.models import HardshipRelief, LegalCheckup, Warning
from gongyou.cases.services import handle_warning, record_checkup_rectified, record_legal_checkup
from gongyou.cases.vocab import HardshipDecision, WarningKind, WarningLevel, WarningStatus
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import enterprises_in_scope, root_org
from gongyou.core.errors import FieldErrors
from gongyou.core.validators import validate_uscc

# --- the warnings board -----------------------------------------------------------------------


def _warnings(request: HttpRequest) -> QuerySet[Warning]:
    qs = access.warnings_in_scope(request.user)
    status = request.GET.get("status", "open")
    if status in WarningStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("level") in WarningLevel.values:
        qs = qs.filter(level=request.GET["level"])
    if request.GET.get("kind") in WarningKind.values:
        qs = qs.filter(kind=request.GET["kind"])
    return qs.order_by("-raised_at", "-id")


@console_view
def warning_board(request: HttpRequest) -> HttpResponse:
    open_warnings = access.warnings_in_scope(request.user).filter(status=WarningStatus.OPEN)
    counts = {level: open_warnings.filter(level=level).count() for level in (WarningLevel.RED, WarningLevel.YELLOW)}
    context = {
        **paginate(request, _warnings(request).prefetch_related("cases")),
        "status": request.GET.get("status", "open"),
        "statuses": WarningStatus.choices,
        "levels": WarningLevel.choices,
        "kinds": WarningKind.choices,
        "red": counts[WarningLevel.RED],
        "yellow": counts[WarningLevel.YELLOW],
        "can_write": can_write(request.user),
    }
    return render(request, "console/cases/warnings.html", context)


WARNING_HEADER = [_l("预警时间"), _l("等级"), _l("类型"), _l("摘要"), _l("预警工会"), _l("企业"), _l("站点"), _l("事由"),
                  _l("诉求"), _l("状态"), _l("处置情况")]


@console_view
def warning_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [w.raised_at, w.get_level_display(), w.get_kind_display(), w.summary, w.org.name,
         w.enterprise.name if w.enterprise else "", w.station.name if w.station else "", w.get_topic_display(),
         " ".join(c.case_no for c in w.cases.all()), w.get_status_display(), w.handled_note]
        for w in _warnings(request).prefetch_related("cases")
    )
    return excel.export(_("预警"), WARNING_HEADER, rows)


@console_view
@require_POST
def warning_handle(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.warning_in_scope(request.user, pk)
    try:
        handle_warning(warning, note=clean_note(request.POST.get("note")), actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("预警已处置"))
    return redirect("console:warnings")


# --- hardship relief --------------------------------------------------------------------------


def _reliefs(request: HttpRequest) -> QuerySet[HardshipRelief]:
    qs = access.hardship_in_scope(request.user)
    if request.GET.get("decision") in HardshipDecision.values:
        qs = qs.filter(decision=request.GET["decision"])
    return qs.order_by("-case__submitted_at", "-id")


@console_view
def hardship_list(request: HttpRequest) -> HttpResponse:
    context = {**paginate(request, _reliefs(request)), "decisions": HardshipDecision.choices}
    return render(request, "console/cases/hardship.html", context)


HARDSHIP_HEADER = [_l("诉求编号"), _l("标题"), _l("承办工会"), _l("困难原因"), _l("家庭人口"), _l("家庭月收入（元）"),
                   _l("申请金额（元）"), _l("审核结论"), _l("批准金额（元）"), _l("审核时间"), _l("发放日期"), _l("家庭情况")]


@console_view
def hardship_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [r.case.case_no, r.case.title, r.case.assigned_org.name, r.get_reason_display(), r.household_size,
         r.monthly_income_fen / 100, r.amount_requested_fen / 100, r.get_decision_display(), r.amount_granted_fen / 100,
         r.decided_at, r.paid_on, r.household]
        for r in _reliefs(request).iterator(chunk_size=2000)
    )
    return excel.export(_("困难救助"), HARDSHIP_HEADER, rows)


# --- legal check-ups --------------------------------------------------------------------------


@console_view
def checkup_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            _record_checkup(request)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已记录法律体检"))
            return redirect("console:checkups")
    qs = access.checkups_in_scope(request.user).order_by("-checked_on", "-id")
    context = {**paginate(request, qs), "error": error, "form": request.POST if error else {}, "can_write": can_write(request.user)}
    return render(request, "console/cases/checkups.html", context, status=400 if error else 200)


def _record_checkup(request: HttpRequest) -> LegalCheckup:
    errors = FieldErrors()
    enterprise = None
    try:
        code = validate_uscc(request.POST.get("enterprise_uscc", ""))
        enterprise = enterprises_in_scope(request.user).filter(uscc=code).first()
        if enterprise is None:
            errors.add_code("enterprise_uscc", _("范围内没有这个统一社会信用代码的企业"), "unknown_enterprise")
    except ValidationError as exc:
        errors.add("enterprise_uscc", exc)
    issues = clean_whole(request.POST.get("issues_found"), "issues_found", errors, default=0, minimum=0, maximum=1000)
    errors.raise_if_any()
    checked_on = clean_day(request.POST.get("checked_on"), "checked_on")
    org = root_org(request.user)
    assert enterprise is not None and checked_on is not None and org is not None
    return record_legal_checkup(
        enterprise,
        org=org,
        checked_on=checked_on,
        findings=clean_note(request.POST.get("findings"), "findings", 5000),
        issues_found=issues,
        recommendations=clean_note(request.POST.get("recommendations"), "recommendations", 5000),
        actor=actor(request),
    )


CHECKUP_HEADER = [_l("体检日期"), _l("企业"), _l("统一社会信用代码"), _l("组织工会"), _l("问题数"), _l("发现的问题"),
                  _l("整改建议"), _l("整改完成日期")]


@console_view
def checkup_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [c.checked_on, c.enterprise.name, c.enterprise.uscc, c.org.name, c.issues_found, c.findings, c.recommendations,
         c.rectified_on]
        for c in access.checkups_in_scope(request.user).order_by("-checked_on", "-id").iterator(chunk_size=2000)
    )
    return excel.export(_("法律体检"), CHECKUP_HEADER, rows)


@console_view
@require_POST
def checkup_rectified(request: HttpRequest, pk: int) -> HttpResponse:
    checkup = access.checkup_in_scope(request.user, pk)
    try:
        day = clean_day(request.POST.get("rectified_on"), "rectified_on")
        assert day is not None
        record_checkup_rectified(checkup, day, actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已保存"))
    return redirect("console:checkups")
