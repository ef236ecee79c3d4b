"""Cases (诉求): the list with filters and Excel export, recording a case for a worker, and a
case's page with its steps, history, attachments, referrals and hardship review. Everything is
scoped (404 outside); writes go through gongyou.cases.services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.cases import access
from gongyou.cases.attachments import check_files, read_attachment, store_files
from gongyou.cases.inputs import (
    clean_case,
    clean_day,
    clean_decision,
    clean_department,
    clean_hardship,
    clean_note,
    clean_referral_outcome,
)
from gongyou.cases.models import Case
from gongyou.cases.services import (
    apply_action,
    attach_files,
    mark_alerts_read,
    record_hardship_payment,
    record_referral_outcome,
    review_hardship,
    submit_case,
)
from gongyou.cases.vocab import (
    OPEN_STATUSES,
    Action,
    CaseStatus,
    CaseType,
    Channel,
    Department,
    HardshipDecision,
    HardshipReason,
    ReferralOutcome,
    Topic,
    WarningLevel,
)
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import root_org, staff_profile
from gongyou.core.uploads import private_file_response

# The buttons each status offers on the case page (refer has its own form).
BUTTONS = {
    CaseStatus.SUBMITTED: [Action.ACCEPT, Action.REJECT],
    CaseStatus.ACCEPTED: [Action.START, Action.RESOLVE, Action.REJECT],
    CaseStatus.IN_PROGRESS: [Action.RESOLVE],
    CaseStatus.RESOLVED: [Action.CLOSE, Action.REOPEN],
}


def yuan_to_fen(value: str, field: str) -> int:
    """"1234.5" yuan → 123450 fen; at most two decimals, never negative."""
    text = (value or "").strip().replace(",", "")
    if not text:
        return 0
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > Decimal(10**9):
        raise ValidationError({field: [ValidationError(_("金额应为不小于 0 的数字，最多两位小数（单位：元）"), code="invalid_amount")]})
    return int(amount * 100)


def _cases(request: HttpRequest) -> QuerySet[Case]:
    qs = access.cases_in_scope(request.user)
    params = request.GET
    if params.get("type") in CaseType.values:
        qs = qs.filter(type=params["type"])
    if params.get("status") in CaseStatus.values:
        qs = qs.filter(status=params["status"])
    elif params.get("status") == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if params.get("warning") in WarningLevel.values:
        qs = qs.filter(warning_level=params["warning"])
    if params.get("overdue") == "1":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    number = params.get("q", "").strip().upper()
    if number:
        qs = qs.filter(case_no__startswith=number)
    return qs.order_by("-submitted_at", "-id")


@console_view
def case_list(request: HttpRequest) -> HttpResponse:
    alerts = access.alerts_for(request.user).filter(read_at__isnull=True)[:20]
    context = {
        **paginate(request, _cases(request)),
        "types": CaseType.choices,
        "statuses": CaseStatus.choices,
        "levels": WarningLevel.choices,
        "alerts": alerts,
        "now": timezone.now(),
        "can_write": can_write(request.user),
    }
    return render(request, "console/cases/list.html", context)


HEADER = [_l("诉求编号"), _l("类型"), _l("状态"), _l("标题"), _l("事由"), _l("承办工会"), _l("首办工会"), _l("涉及企业"),
          _l("涉及站点"), _l("涉及人数"), _l("涉及金额（元）"), _l("群体性"), _l("预警等级"), _l("提交时间"), _l("办理时限"),
          _l("办结时间"), _l("来源")]


@console_view
def case_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [c.case_no, c.get_type_display(), c.get_status_display(), c.title, c.get_topic_display(), c.assigned_org.name,
         c.origin_org.name, c.enterprise.name if c.enterprise else "", c.station.name if c.station else "",
         c.workers_involved, c.amount_fen / 100, _("是") if c.collective_action else "", c.get_warning_level_display(),
         c.submitted_at, c.due_at, c.resolved_at, c.get_channel_display()]
        for c in _cases(request).iterator(chunk_size=2000)
    )
    return excel.export(_("诉求"), HEADER, rows)


@console_view
def case_new(request: HttpRequest) -> HttpResponse:
    """An officer records a case for a worker (at a station, on the phone): a member by number,
    anyone else by name and phone."""
    error = ""
    if request.method == "POST":
        data: dict[str, Any] = request.POST.dict()
        try:
            data["amount_fen"] = yuan_to_fen(data.pop("amount_yuan", ""), "amount_yuan")
            data["monthly_income_fen"] = yuan_to_fen(data.pop("monthly_income_yuan", ""), "monthly_income_yuan")
            data["collective_action"] = "collective_action" in request.POST
            clean = clean_case(data)
            hardship = None
            if clean.type == CaseType.HARDSHIP:
                hardship = clean_hardship({**data, "amount_requested_fen": data["amount_fen"]})
            files = check_files(request.FILES.getlist("files"))
            profile = staff_profile(request.user)
            recorder = profile.org if profile is not None else root_org(request.user)
            with transaction.atomic():
                case = submit_case(
                    clean,
                    channel=Channel.STAFF,
                    actor=actor(request),
                    fallback_org=recorder,
                    recorded_by=recorder,
                    attachments=[c for c, _content in files],
                    hardship=hardship,
                )
                store_files(files)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已登记诉求 %(no)s") % {"no": case.case_no})
            if access.cases_in_scope(request.user).filter(pk=case.pk).exists():
                return redirect("console:case", case_no=case.case_no)
            return redirect("console:cases")
    context = {
        "types": CaseType.choices,
        "topics": Topic.choices,
        "reasons": HardshipReason.choices,
        "form": request.POST if error else {},
        "error": error,
    }
    return render(request, "console/cases/new.html", context, status=400 if error else 200)


@console_view
def case_detail(request: HttpRequest, case_no: str) -> HttpResponse:
    case = access.case_in_scope(request.user, case_no)
    hardship = getattr(case, "hardship", None) if case.type == CaseType.HARDSHIP else None
    context = {
        "case": case,
        "events": case.events.select_related("org").order_by("at", "id"),
        "attachments": case.attachments.all(),
        "referrals": case.referrals.all(),
        "escalations": case.escalations.select_related("from_org", "to_org"),
        "warnings": case.warnings.all(),
        "hardship": hardship,
        "buttons": [(a, Action(a).label) for a in BUTTONS.get(CaseStatus(case.status), [])],
        "can_refer": case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS),
        "departments": Department.choices,
        "outcomes": [c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING],
        "decisions": [c for c in HardshipDecision.choices if c[0] != HardshipDecision.PENDING],
        "overdue": case.status in OPEN_STATUSES and case.due_at is not None and case.due_at < timezone.now(),
        "contact_name": case.contact_name_masked,
        "can_write": can_write(request.user),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "console/cases/detail.html", context)


@console_view
@require_POST
def case_action(request: HttpRequest, case_no: str) -> HttpResponse:
    case = access.case_in_scope(request.user, case_no)
    action = request.POST.get("action", "")
    try:
        note = clean_note(request.POST.get("note"))
        department = clean_department(request.POST.get("department")) if action == Action.REFER else ""
        apply_action(case, action, actor=actor(request), note=note, department=department)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已%(action)s") % {"action": Action(action).label})
    return redirect("console:case", case_no=case.case_no)


@console_view
@require_POST
def case_attach(request: HttpRequest, case_no: str) -> HttpResponse:
    case = access.case_in_scope(request.user, case_no)
    try:
        files = check_files(request.FILES.getlist("files"))
        if not files:
            raise ValidationError({"files": [ValidationError(_("请选择文件"), code="required")]})
        with transaction.atomic():
            attach_files(case, [c for c, _content in files], actor=actor(request))
            store_files(files)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("材料已上传"))
    return redirect("console:case", case_no=case.case_no)


@console_view
def case_attachment(request: HttpRequest, case_no: str, pk: int) -> HttpResponse:
    case = access.case_in_scope(request.user, case_no)
    attachment = case.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


def attachment_response(attachment: Any) -> HttpResponse:
    try:
        body = read_attachment(attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return private_file_response(body, attachment.content_type, f"case-{attachment.pk}")


@console_view
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.referral_in_scope(request.user, pk)
    try:
        outcome = clean_referral_outcome(request.POST.get("outcome"))
        record_referral_outcome(referral, outcome, actor=actor(request), note=clean_note(request.POST.get("note")))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已记录部门办理结果"))
    return redirect("console:case", case_no=referral.case.case_no)


@console_view
@require_POST
def hardship_review(request: HttpRequest, case_no: str) -> HttpResponse:
    case = access.case_in_scope(request.user, case_no)
    relief = getattr(case, "hardship", None)
    if relief is None:
        raise Http404
    try:
        if "paid_on" in request.POST:
            paid_on = clean_day(request.POST.get("paid_on"), "paid_on")
            assert paid_on is not None
            record_hardship_payment(relief, paid_on, actor=actor(request))
        else:
            decision = clean_decision(request.POST.get("decision"))
            granted = yuan_to_fen(request.POST.get("amount_granted_yuan", ""), "amount_granted_yuan")
            review_hardship(
                relief, decision, amount_granted_fen=granted, note=clean_note(request.POST.get("note")), actor=actor(request)
            )
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已保存"))
    return redirect("console:case", case_no=case.case_no)


@console_view
@require_POST
def alerts_read(request: HttpRequest) -> HttpResponse:
    profile = staff_profile(request.user)
    if profile is not None:
        mark_alerts_read(profile.org)
    return redirect("console:cases")
