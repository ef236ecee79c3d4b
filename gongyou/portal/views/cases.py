"""我的诉求: a worker asks for help (an opinion, a complaint, hardship relief, legal aid, a
dispute) with photos, and follows it in words. A member is known by the portal session; a worker
who is not a member verifies their phone by the SMS-code step and is known by it (the phone is
kept encrypted in the session). A worker sees only their own cases: another's answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongyou.cases.access import cases_of_person, cases_of_phone, worker_case
from gongyou.cases.attachments import MAX_FILES, check_files, read_attachment, store_files
from gongyou.cases.inputs import clean_case, clean_hardship, clean_note
from gongyou.cases.models import Case
from gongyou.cases.services import reopen_case, submit_case
from gongyou.cases.vocab import OPEN_STATUSES, CaseStatus, CaseType, Channel, HardshipReason, Topic
from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.models import Region
from gongyou.core.uploads import private_file_response
from gongyou.members.models import Membership
from gongyou.portal.forms import LoginForm
from gongyou.portal.models import SmsChallenge
from gongyou.portal.session import current_membership
from gongyou.portal.views.common import page, sms_step

GUEST_KEY = "portal_case_phone"

# What each status means to the worker, in words.
STATUS_WORDS = {
    CaseStatus.SUBMITTED: gettext_lazy("已提交，等待工会受理"),
    CaseStatus.ACCEPTED: gettext_lazy("工会已受理，正在安排办理"),
    CaseStatus.IN_PROGRESS: gettext_lazy("正在办理"),
    CaseStatus.RESOLVED: gettext_lazy("已办结。如果问题没有解决，30 天内可以申请重新办理"),
    CaseStatus.CLOSED: gettext_lazy("已办结并关闭"),
    CaseStatus.REJECTED: gettext_lazy("工会未受理，原因见下方记录"),
}

EVENT_WORDS = {
    "submit": gettext_lazy("你提交了诉求"),
    "accept": gettext_lazy("工会受理了你的诉求"),
    "start": gettext_lazy("工会开始办理"),
    "resolve": gettext_lazy("办结"),
    "close": gettext_lazy("诉求已关闭"),
    "reject": gettext_lazy("工会未受理"),
    "reopen": gettext_lazy("重新办理"),
    "refer": gettext_lazy("转交有关部门办理"),
    "referral_outcome": gettext_lazy("有关部门的办理结果"),
    "escalate": gettext_lazy("超过办理时限，已报上级工会督办"),
    "attach": gettext_lazy("补充了材料"),
    "hardship_review": gettext_lazy("困难救助审核结果"),
    "hardship_paid": gettext_lazy("救助金已发放"),
}


def _guest_phone(request: HttpRequest) -> str | None:
    sealed = request.session.get(GUEST_KEY)
    if not isinstance(sealed, str):
        return None
    try:
        return crypto.decrypt(sealed)
    except (ValueError, KeyError):
        return None


def _worker(request: HttpRequest) -> tuple[Membership | None, str | None]:
    membership = current_membership(request)
    return membership, (None if membership is not None else _guest_phone(request))


def _own_cases(membership: Membership | None, phone: str | None) -> QuerySet[Case]:
    if membership is not None:
        return cases_of_person(membership.person)
    if phone is not None:
        return cases_of_phone(phone)
    return Case.objects.none()


def _actor(membership: Membership | None) -> Actor:
    return Actor.worker(membership.member_no or "" if membership is not None else "")


@require_http_methods(["GET"])
def my_cases(request: HttpRequest) -> HttpResponse:
    membership, phone = _worker(request)
    if membership is None and phone is None:
        return page(request, "portal/cases/start.html", {})
    cases = _own_cases(membership, phone).order_by("-submitted_at", "-id")
    return page(
        request,
        "portal/cases/list.html",
        {"cases": cases, "membership": membership, "guest_phone": crypto.mask_phone(phone) if phone else "", "words": STATUS_WORDS},
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """A worker who is not a member proves their phone with an SMS code (the login step)."""
    context: dict[str, Any] = {"sms_purpose": SmsChallenge.Purpose.LOGIN}
    if request.method == "GET":
        return page(request, "portal/cases/verify.html", {"form": LoginForm(), **context})
    form = LoginForm(request.POST)
    form.is_valid()
    step = sms_step(request, form, SmsChallenge.Purpose.LOGIN)
    if step.show is not None:
        return page(request, "portal/cases/verify.html", {"form": form, **context, **step.show})
    if step.phone is None:
        return page(request, "portal/cases/verify.html", {"form": form, **context}, status=400)
    request.session.cycle_key()
    request.session[GUEST_KEY] = crypto.encrypt(step.phone)
    return redirect("portal:cases")


def _streets() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every street grouped by district, for a plain <select> (no script needed)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for street in Region.objects.filter(level=Region.Level.STREET).select_related("parent").order_by("code"):
        groups.setdefault(street.parent.name if street.parent else "", []).append((street.code, street.name))
    return list(groups.items())


def _yuan_to_fen(text: str) -> int:
    text = (text or "").strip().replace(",", "")
    if not text:
        return 0
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > Decimal(10**9):
        raise ValidationError({"amount_yuan": [ValidationError(_("金额请填写数字（元），最多两位小数"), code="invalid_amount")]})
    return int(amount * 100)


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    membership, phone = _worker(request)
    if membership is None and phone is None:
        return redirect("portal:cases")
    context: dict[str, Any] = {
        "types": CaseType.choices,
        "topics": Topic.choices,
        "reasons": HardshipReason.choices,
        "streets": _streets(),
        "membership": membership,
        "max_files": MAX_FILES,
        "data": request.POST if request.method == "POST" else {"type": request.GET.get("type", "")},
        "errors": [],
    }
    if request.method == "GET":
        return page(request, "portal/cases/new.html", context)
    data: dict[str, Any] = request.POST.dict()
    if membership is None:
        data["phone"] = phone
        data.pop("member_no", None)
    try:
        data["amount_fen"] = _yuan_to_fen(data.pop("amount_yuan", ""))
        data["collective_action"] = "collective_action" in request.POST
        clean = clean_case(data, membership=membership)
        hardship = clean_hardship({**data, "amount_requested_fen": data["amount_fen"]}) if clean.type == CaseType.HARDSHIP else None
        files = check_files(request.FILES.getlist("photos"), "photos")
        # One transaction: a file that cannot be written undoes the case, and a refused case
        # leaves no file behind.
        with transaction.atomic():
            case = submit_case(
                clean,
                channel=Channel.PORTAL if membership is not None else Channel.PORTAL_GUEST,
                actor=_actor(membership),
                attachments=[c for c, _content in files],
                hardship=hardship,
            )
            store_files(files)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return page(request, "portal/cases/new.html", context, status=400)
    messages.success(request, _("诉求已提交，编号 %(no)s。工会受理后会在这里告诉你进展。") % {"no": case.case_no})
    return redirect("portal:case", case_no=case.case_no)


@require_http_methods(["GET"])
def case_detail(request: HttpRequest, case_no: str) -> HttpResponse:
    membership, phone = _worker(request)
    case = worker_case(_own_cases(membership, phone), case_no)
    events = [
        {"at": e.at, "words": EVENT_WORDS.get(e.action, e.get_action_display()), "org": e.org.name, "note": e.note}
        for e in case.events.filter(internal=False).select_related("org").order_by("at", "id")
    ]
    reopen_days = int(settings.GONGYOU["CASE_REOPEN_DAYS"])
    may_reopen = (
        case.status == CaseStatus.RESOLVED
        and case.resolved_at is not None
        and timezone.now() <= case.resolved_at + dt.timedelta(days=reopen_days)
    )
    return page(
        request,
        "portal/cases/detail.html",
        {
            "case": case,
            "events": events,
            "words": STATUS_WORDS.get(CaseStatus(case.status), ""),
            "is_open": case.status in OPEN_STATUSES,
            "attachments": case.attachments.all(),
            "may_reopen": may_reopen,
        },
    )


@require_POST
def case_reopen(request: HttpRequest, case_no: str) -> HttpResponse:
    membership, phone = _worker(request)
    case = worker_case(_own_cases(membership, phone), case_no)
    try:
        reopen_case(case, actor=_actor(membership), note=clean_note(request.POST.get("note")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已申请重新办理"))
    return redirect("portal:case", case_no=case.case_no)


@require_http_methods(["GET"])
def case_file(request: HttpRequest, case_no: str, pk: int) -> HttpResponse:
    membership, phone = _worker(request)
    case = worker_case(_own_cases(membership, phone), case_no)
    attachment = case.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        body = read_attachment(attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return private_file_response(body, attachment.content_type, f"case-{attachment.pk}")
