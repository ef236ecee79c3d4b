"""Joining: the QR/online join form, its SMS code and pickers, and the result page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.members import join_links as qr
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership
from gongyou.members.services import join as join_service
from gongyou.portal import sms
from gongyou.portal.forms import LABOR_RELATION_HELP, JoinForm
from gongyou.portal.models import SmsChallenge
from gongyou.portal.session import current_membership, log_in, member_required
from gongyou.portal.views.common import add_errors, check_code, delivery_state, page, sms_state, sms_step

JOIN_ERRORS_TO_FIELDS = {"employer_uscc": "employer", "consent_version": "consent"}


def _context_from_token(token: str) -> tuple[qr.JoinContext | None, Any]:
    if not token:
        return None, None
    try:
        return qr.read_join_token(token), None
    except qr.JoinTokenError as exc:
        return None, exc.message


def _initial(context: qr.JoinContext | None) -> dict[str, Any]:
    if context is None:
        return {}
    initial: dict[str, Any] = {}
    street = context.street
    if street is not None:
        initial["street_code"] = street.code
    elif context.org is not None and context.org.region.level == "district":
        initial["district"] = context.org.region.code
    org = context.org
    if org is not None and org.industry:
        initial["industry"] = org.industry
    enterprise = context.station.enterprise if context.station else (org.enterprise if org else None)
    if enterprise is not None:
        initial["employer"] = str(enterprise.pk)
    if context.station is not None:
        initial["station_code"] = context.station.code
    return initial


def _worker_data(form: JoinForm, context: qr.JoinContext | None) -> dict[str, Any]:
    data = form.data
    employer_uscc = ""
    employer_id = str(data.get("employer") or "")
    if employer_id.isdigit():
        employer_uscc = Enterprise.objects.filter(pk=int(employer_id)).values_list("uscc", flat=True).first() or ""
        if not employer_uscc:
            form.add_error("employer", _("请重新选择用工单位"))
    station_code = str(data.get("station_code") or "")
    if context is not None and context.station is not None:
        station_code = context.station.code  # the token, not the posted field, decides
    return {
        "name": data.get("name", ""),
        "id_number": data.get("id_number", ""),
        "phone": data.get("phone", ""),
        "street_code": data.get("street_code", ""),
        "industry": data.get("industry", ""),
        "labor_relation": data.get("labor_relation", ""),
        "employer_uscc": employer_uscc,
        "station_code": station_code,
        "consent_version": settings.GONGYOU["PRIVACY_NOTICE_VERSION"],
    }


def _render(request: HttpRequest, form: JoinForm, context: qr.JoinContext | None, token_error: Any, **extra: Any) -> HttpResponse:
    form.setup_pickers()
    return page(
        request,
        "portal/join.html",
        {
            "form": form,
            "join_context": context,
            "token_error": token_error,
            "labor_help": {str(k): v for k, v in LABOR_RELATION_HELP.items()},
            "sms_purpose": SmsChallenge.Purpose.JOIN,
            **extra,
        },
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t")) or ""
    context, token_error = _context_from_token(token)
    if request.method == "GET":
        return _render(request, JoinForm(initial={"t": token, **_initial(context)}), context, token_error)

    form = JoinForm(request.POST)
    form.is_valid()
    if request.POST.get("action") == "refresh":  # the no-JS street picker: the district's streets
        return _render(request, form, context, token_error)
    step = sms_step(request, form, SmsChallenge.Purpose.JOIN, verify=False)
    if step.show is not None:
        return _render(request, form, context, token_error, **step.show)
    return _submit(request, form, context, token_error)


def _already_joined(request: HttpRequest, id_number: str) -> Membership | None:
    """The logged-in member, when the form is their own again (Back after joining, then submit):
    they are told they have joined, not shown the spent code's and the form's errors."""
    membership = current_membership(request)
    if membership is None or membership.status not in Membership.OPEN_STATUSES or not id_number:
        return None
    return membership if membership.person.id_hash == crypto.id_hash(id_number) else None


def _submit(request: HttpRequest, form: JoinForm, context: qr.JoinContext | None, token_error: Any) -> HttpResponse:
    data = _worker_data(form, context)
    worker = None
    try:
        worker = clean_worker(data)
    except ValidationError as exc:
        add_errors(form, exc, JOIN_ERRORS_TO_FIELDS)
    mine = _already_joined(request, worker.id_number if worker else str(data["id_number"]).strip().upper())
    if mine is not None:
        return page(request, "portal/join_already.html", {"membership": mine})
    if not form.data.get("consent"):
        form.add_error("consent", ValidationError(_("请阅读并勾选同意个人信息处理告知，才能入会"), code="consent_required"))
    if not form.data.get("consent_id"):
        form.add_error(
            "consent_id", ValidationError(_("实名入会需要您单独同意处理身份证号码"), code="id_consent_required")
        )
    if "phone" not in form.errors:
        check_code(form, "join", consume=False)
    if form.errors or worker is None:
        return _render(request, form, context, token_error)
    if check_code(form, "join", consume=True) is None:
        return _render(request, form, context, token_error)
    try:
        result = join_service(
            worker,
            channel="qr" if context else "online",
            actor=Actor.worker(),
            campaign=context.campaign if context else "",
        )
    except ValidationError as exc:
        add_errors(form, exc, JOIN_ERRORS_TO_FIELDS)
        return _render(request, form, context, token_error)
    membership = result.membership
    if result.created or membership.person.phone_hash in crypto.phone_hashes(worker.phone):
        log_in(request, membership)
        request.session["portal_join_created"] = result.created
        return redirect("portal:join_done")
    # Same ID number, but the SMS went to a different phone: say that they are a member and where,
    # without opening the membership to whoever typed the ID number.
    return page(request, "portal/join_existing.html", {"membership": membership})


@member_required
def join_done(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    created = request.session.get("portal_join_created", False)
    return page(request, "portal/join_done.html", {"membership": membership, "created": created})


@require_POST
def sms_send(request: HttpRequest) -> HttpResponse:
    """htmx: send a code and swap the SMS box (the no-JS form posts action=send_code instead)."""
    purpose = request.POST.get("purpose", "")
    if purpose not in SmsChallenge.Purpose.values:
        return HttpResponseForbidden()
    if purpose == SmsChallenge.Purpose.CHANGE_PHONE and current_membership(request) is None:
        return HttpResponseForbidden()
    state = sms_state(request, request.POST.get("phone", ""), purpose)
    # The box is swapped in place; a wrong number goes under the phone field (out-of-band swap of
    # its error slot, emptied again once a number is accepted).
    phone_error = state.pop("sms_message") if state.pop("sms_phone_error", False) else ""
    return page(request, "portal/_sms_box.html", {"sms_purpose": purpose, "phone_error": phone_error, "phone_oob": True, **state})


@require_GET
def sms_status(request: HttpRequest) -> HttpResponse:
    """htmx: the SMS box's status line again, while the text is on its way (a page polls it with
    the signed token sms_state gave it). Always 200, so that htmx swaps it and stops polling
    once the answer is final; a forged or stale token reads as an expired code."""
    challenge = sms.challenge_for_token(request.GET.get("t", ""))
    state = delivery_state(challenge, sms.delivery(challenge) if challenge is not None else sms.Delivery.EXPIRED)
    return page(request, "portal/_sms_status.html", state)


@require_GET
def streets(request: HttpRequest) -> HttpResponse:
    """htmx: the street <select> for a district or a typed name."""
    form = JoinForm(request.GET)
    form.setup_pickers()
    return page(request, "portal/_street_select.html", {"form": form})


@require_GET
def employers(request: HttpRequest) -> HttpResponse:
    """htmx: the employer <select> for the chosen street."""
    form = JoinForm(request.GET)
    form.setup_pickers()
    return page(request, "portal/_employer_select.html", {"form": form})
