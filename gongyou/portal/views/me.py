"""My membership: SMS login, status and history, phone change, transfer, leaving, withdrawing
consent, logout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.funds.dues import dues_status
from gongyou.honours.queries import member_honours
from gongyou.members.inputs import clean_work
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.notes import render_note
from gongyou.members.routing import Routing, resolve_union
from gongyou.members.services import change_phone, withdraw_consent, withdraw_membership
from gongyou.members.transfers import cancel_transfer, may_withdraw, request_transfer
from gongyou.members.work import WorkContext
from gongyou.portal.forms import LABOR_RELATION_HELP, ChangePhoneForm, LeaveForm, LoginForm, TransferForm
from gongyou.portal.models import SmsChallenge
from gongyou.portal.session import log_in, log_out, member_required
from gongyou.portal.views.common import add_errors, page, sms_step
from gongyou.portal.views.dues import MAY_PAY
from gongyou.positions.access import checkins_of

WORK_ERRORS_TO_FIELDS = {"employer_uscc": "employer"}

EVENT_LABELS = {
    "applied": gettext_lazy("提交入会申请"),
    "joined": gettext_lazy("入会"),
    "approved": gettext_lazy("入会申请通过"),
    "rejected": gettext_lazy("入会申请未通过"),
    "suspended": gettext_lazy("会籍暂停"),
    "reinstated": gettext_lazy("会籍恢复"),
    "lapsed": gettext_lazy("会籍失效"),
    "withdrawn": gettext_lazy("退会"),
    "transfer_requested": gettext_lazy("申请组织关系接转"),
    "transfer_accepted": gettext_lazy("接转完成"),
    "transfer_rejected": gettext_lazy("接转被退回"),
    "transfer_cancelled": gettext_lazy("接转已撤回"),
}


def _actor(membership: Membership) -> Actor:
    return Actor.worker(membership.member_no or "")


# --- login / logout -------------------------------------------------------------------------------


def _membership_for_phone(phone: str) -> Membership | None:
    """The member a verified phone belongs to: an open membership first, else the latest one."""
    people = Person.objects.filter(phone_hash__in=crypto.phone_hashes(phone), anonymised_at__isnull=True)
    return (
        Membership.objects.filter(person__in=people)
        .annotate(is_open=Case(When(status__in=Membership.OPEN_STATUSES, then=0), default=1, output_field=IntegerField()))
        .order_by("is_open", "-applied_at", "-id")
        .first()
    )


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    context: dict[str, Any] = {"next": next_url, "sms_purpose": SmsChallenge.Purpose.LOGIN}
    if request.method == "GET":
        return page(request, "portal/login.html", {"form": LoginForm(), **context})
    form = LoginForm(request.POST)
    form.is_valid()
    step = sms_step(request, form, SmsChallenge.Purpose.LOGIN)
    if step.show is not None:
        return page(request, "portal/login.html", {"form": form, **context, **step.show})
    phone = step.phone
    if phone is not None:
        membership = _membership_for_phone(phone)
        if membership is not None:
            log_in(request, membership)
            return redirect(next_url or "portal:me")
        form.add_error("phone", ValidationError(_("这个手机号还没有入会记录，请先入会"), code="not_member"))
    return page(request, "portal/login.html", {"form": form, **context})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    log_out(request)
    return redirect("portal:home")


# --- my membership ----------------------------------------------------------------------------------


@member_required
def me(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    events = [
        {"event": e, "label": e.party_label or EVENT_LABELS.get(e.kind, e.kind), "note": e.note_text}
        for e in membership.events.select_related("from_org", "to_org").order_by("-at", "-id")
    ]
    pending = membership.transfers.filter(status=Transfer.Status.PENDING).select_related("to_org").first()
    visits = checkins_of(membership)
    return page(
        request,
        "portal/me.html",
        {
            "membership": membership,
            "person": membership.person,
            "events": events,
            "pending_transfer": pending,
            "pending_is_mine": pending is not None and may_withdraw(pending, Transfer.Initiator.MEMBER),
            "visits": visits,
            "is_open": membership.status in Membership.OPEN_STATUSES,
            "dues": dues_status(membership),
            "dues_payable": membership.status in MAY_PAY,
            "honours": member_honours(membership),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    context: dict[str, Any] = {"membership": membership, "sms_purpose": SmsChallenge.Purpose.CHANGE_PHONE}
    if request.method == "GET":
        return page(request, "portal/phone.html", {"form": ChangePhoneForm(), **context})
    form = ChangePhoneForm(request.POST)
    form.is_valid()
    step = sms_step(request, form, SmsChallenge.Purpose.CHANGE_PHONE)
    if step.show is not None:
        return page(request, "portal/phone.html", {"form": form, **context, **step.show})
    new_phone = step.phone
    if new_phone is not None:
        try:
            change_phone(membership.person, new_phone, actor=_actor(membership))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("手机号已更新为%(phone)s") % {"phone": crypto.mask_phone(new_phone)})
            return redirect("portal:me")
    return page(request, "portal/phone.html", {"form": form, **context})


# --- transfer ---------------------------------------------------------------------------------------


def _work_data(form: TransferForm) -> dict[str, str] | None:
    """The transfer form's fields as members.inputs reads them (the employer <select> posts a pk);
    None, with the error on the form, when the chosen employer is gone."""
    data = form.data
    employer_uscc = ""
    employer_id = str(data.get("employer") or "")
    if employer_id:
        found = Enterprise.objects.filter(pk=int(employer_id)).values_list("uscc", flat=True).first() if employer_id.isdigit() else None
        if found is None:
            form.add_error("employer", ValidationError(_("请重新选择用工单位"), code="unknown_enterprise"))
            return None
        employer_uscc = found
    return {
        "street_code": str(data.get("street_code") or ""),
        "industry": str(data.get("industry") or ""),
        "labor_relation": str(data.get("labor_relation") or ""),
        "employer_uscc": employer_uscc,
        "station_code": str(data.get("station_code") or ""),
    }


def _transfer_initial(person: Person) -> dict[str, Any]:
    return {
        "street_code": person.work_street.code,
        "industry": person.industry,
        "labor_relation": person.labor_relation,
        "employer": str(person.employer_id or ""),
        "station_code": person.station.code if person.station is not None else "",
    }


@member_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    base: dict[str, Any] = {"membership": membership, "labor_help": {str(k): v for k, v in LABOR_RELATION_HELP.items()}}
    if membership.status != Membership.Status.ACTIVE:
        return page(request, "portal/transfer.html", {**base, "blocked": True})
    if request.method == "GET":
        form = TransferForm(initial=_transfer_initial(membership.person))
        form.setup_pickers()
        return page(request, "portal/transfer.html", {**base, "form": form})
    form = TransferForm(request.POST)
    form.is_valid()
    action = request.POST.get("action", "preview")
    routing: Routing | None = None
    work: WorkContext | None = None
    if action in ("preview", "confirm"):
        try:
            work_data = _work_data(form)
            if work_data is not None:
                work = clean_work(work_data)
                routing = resolve_union(work)
        except ValidationError as exc:
            add_errors(form, exc, WORK_ERRORS_TO_FIELDS)
    form.setup_pickers()
    if routing is None or action == "refresh":
        return page(request, "portal/transfer.html", {**base, "form": form})
    same_org = routing.union.pk == membership.org_id
    if action == "preview" or same_org:
        return page(request, "portal/transfer_confirm.html", {**base, "form": form, "routing": routing, "same_org": same_org, "work": work})
    try:
        request_transfer(
            membership,
            routing.union,
            initiator=Transfer.Initiator.MEMBER,
            actor=_actor(membership),
            reason=(form.data.get("reason") or "").strip()[:200],
            new_context=work,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page(request, "portal/transfer.html", {**base, "form": form})
    messages.success(request, _("接转申请已提交，等待%(org)s接收") % {"org": routing.union.name})
    return redirect("portal:me")


@member_required
@require_http_methods(["GET", "POST"])
def transfer_cancel(request: HttpRequest) -> HttpResponse:
    """Withdraw my own transfer application: GET asks to confirm, POST withdraws. A transfer a
    union or the system started is not the member's to withdraw (members.transfers.may_withdraw)."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    pending = membership.transfers.filter(status=Transfer.Status.PENDING).select_related("from_org", "to_org").first()
    if pending is None:
        return redirect("portal:me")
    if request.method == "GET":
        mine = may_withdraw(pending, Transfer.Initiator.MEMBER)
        return page(request, "portal/transfer_cancel.html", {"membership": membership, "transfer": pending, "mine": mine})
    try:
        # The history line itself says the member withdrew it (members.notes.WITHDRAWN_BY).
        cancel_transfer(pending, by=Transfer.Initiator.MEMBER, actor=_actor(membership))
        messages.success(request, _("接转申请已撤回"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("portal:me")


# --- leaving and withdrawing consent -----------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    form = LeaveForm(request.POST if request.method == "POST" else None)
    base = {"membership": membership, "form": form}
    if request.method == "GET":
        return page(request, "portal/leave.html", base)
    form.is_valid()
    params = form.reason_params()
    if params is None:
        form.add_error("reason", ValidationError(_("请选择或填写退会原因"), code="reason_required"))
        return page(request, "portal/leave.html", base)
    if request.POST.get("action") != "confirm":
        reason = render_note("leave", params)  # in the reader's language; kept as a code
        return page(request, "portal/leave.html", {**base, "confirming": True, "reason": reason})
    try:
        withdraw_membership(
            membership, reason=str(params["reason"]), reason_code="leave", reason_params={"choice": params["choice"]},
            actor=_actor(membership),
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return page(request, "portal/leave.html", base)
    messages.success(request, _("您已退会。感谢您曾经的参与，欢迎随时重新入会。"))
    return redirect("portal:me")


@member_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    if request.method == "GET":
        return page(request, "portal/consent.html", {"membership": membership})
    if not request.POST.get("confirm"):
        return page(request, "portal/consent.html", {"membership": membership, "confirm_error": _("请勾选确认后再提交")})
    try:
        withdraw_consent(membership.person, actor=_actor(membership))
    except ValidationError as exc:
        return page(request, "portal/consent.html", {"membership": membership, "confirm_error": exc.messages[0]})
    log_out(request)
    return page(request, "portal/consent_done.html")
