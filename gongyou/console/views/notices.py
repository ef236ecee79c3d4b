"""上传下达 pages (SPEC §6; seed §二(二)9): notices an org sends down to the orgs in its scope
(and optionally to members, in the portal) with per-org read receipts; reports an org sends up
to its parent with an attachment. Opening a notice as staff of a receiving org marks it read
for that org; the sender sees who has and has not read it. Reads through voice.access, writes
through voice.services (audited there)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, paginate
from gongyou.console.views.consultations import download, upload
from gongyou.core import excel
from gongyou.core.access import active_orgs_in_scope, org_in_scope, root_org
from gongyou.core.errors import django_errors
from gongyou.core.models import Org
from gongyou.voice.access import (
    notice_for,
    notices_received_for,
    notices_sent_for,
    own_org_id,
    report_for,
    reports_for,
)
from gongyou.voice.inputs import clean_notice, clean_report
from gongyou.voice.models import Notice, NoticeReceipt, Report
from gongyou.voice.services import mark_notice_read, mark_report_read, send_notice, send_report
from gongyou.voice.vocab import NoticeAudience

ORG_CHOICE_LIMIT = 400


def _box(request: HttpRequest) -> str:
    return "sent" if request.GET.get("box") == "sent" else "received"


def _notices(request: HttpRequest) -> QuerySet[Any]:
    qs: QuerySet[Any]
    if _box(request) == "sent":
        qs = notices_sent_for(request.user).annotate(
            n_orgs=Count("receipts"), n_read=Count("receipts", filter=Q(receipts__read_at__isnull=False))
        )
    else:
        qs = notices_received_for(request.user).annotate(
            my_read_at=Subquery(
                NoticeReceipt.objects.filter(notice=OuterRef("pk"), org_id=own_org_id(request.user) or 0).values(
                    "read_at"
                )[:1]
            )
        )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs.select_related("attachment").order_by("-sent_at", "-id")


@console_view
def notice_list(request: HttpRequest) -> HttpResponse:
    context = {"box": _box(request), "can_write": can_write(request.user), **paginate(request, _notices(request))}
    return render(request, "console/voice/notices.html", context)


@console_view
def notice_export(request: HttpRequest) -> HttpResponse:
    if _box(request) == "sent":
        header = [
            _("通知标题"),
            _("发文工会"),
            _("发送时间"),
            _("发送范围"),
            _("接收组织数"),
            _("已读组织数"),
            _("同时发给会员"),
            _("附件"),
        ]
        rows = (
            [n.title, n.org.name, timezone.localtime(n.sent_at), n.get_audience_display(), n.n_orgs, n.n_read,  # type: ignore[attr-defined]
             _("是") if n.to_members else _("否"), n.attachment.name if n.attachment else ""]
            for n in _notices(request)
        )  # fmt: skip
    else:
        header = [_("通知标题"), _("发文工会"), _("发送时间"), _("本单位阅读时间"), _("附件")]
        rows = (
            [
                n.title,
                n.org.name,
                timezone.localtime(n.sent_at),
                timezone.localtime(n.my_read_at) if n.my_read_at else "",  # type: ignore[attr-defined]
                n.attachment.name if n.attachment else "",
            ]
            for n in _notices(request)
        )
    return excel.export(_("通知"), header, rows)


def _targets(request: HttpRequest, org: Org) -> QuerySet[Org]:
    return active_orgs_in_scope(request.user).exclude(pk=org.pk).order_by("region__code", "id")


@console_view
def notice_new(request: HttpRequest) -> HttpResponse:
    org = root_org(request.user)
    if org is None:
        raise Http404
    errors: dict[str, Any] = {}
    if request.method == "POST":
        post = request.POST
        try:
            data = clean_notice(post, post.getlist("kinds"), post.getlist("orgs"))
            notice = send_notice(org, data, upload(request), actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("通知已发送到 %(n)s 个组织。") % {"n": notice.receipts.count()})
            return redirect("console:notice", notice.pk)
    context = {
        "org": org,
        "errors": errors,
        "form": request.POST,
        "chosen_kinds": request.POST.getlist("kinds"),
        "chosen_orgs": request.POST.getlist("orgs"),
        "audiences": NoticeAudience.choices,
        "org_kinds": Org.Kind.choices,
        "targets": _targets(request, org)[:ORG_CHOICE_LIMIT],
    }
    return render(request, "console/voice/notice_form.html", context, status=400 if errors else 200)


def _receipts(notice: Notice) -> QuerySet[NoticeReceipt]:
    return notice.receipts.select_related("org", "read_by").order_by("read_at", "org__region__code", "org_id")


@console_view
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for(request.user, pk)
    mine = own_org_id(request.user)
    receipt = notice.receipts.filter(org_id=mine).first() if mine else None
    if receipt is not None and receipt.read_at is None:
        # Opening it is reading it, for the whole org (the receipt the sender sees).
        mark_notice_read(notice, receipt.org, request.user, actor=actor(request))
        receipt.refresh_from_db()
    is_sender = org_in_scope(request.user, notice.org)
    receipts = list(_receipts(notice)) if is_sender else []
    context = {
        "notice": notice,
        "receipt": receipt,
        "is_sender": is_sender,
        "receipts": receipts,
        "read": sum(1 for r in receipts if r.read_at),
        "unread": sum(1 for r in receipts if not r.read_at),
    }
    return render(request, "console/voice/notice.html", context)


RECEIPT_HEADER = [_l("接收组织"), _l("组织类型"), _l("阅读状态"), _l("阅读时间"), _l("阅读人")]


@console_view
def notice_receipts_export(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for(request.user, pk)
    if not org_in_scope(request.user, notice.org):
        raise Http404
    rows = (
        [r.org.name, r.org.get_kind_display(), _("已读") if r.read_at else _("未读"),
         timezone.localtime(r.read_at) if r.read_at else "", r.read_by.get_username() if r.read_by else ""]
        for r in _receipts(notice)
    )  # fmt: skip
    return excel.export(_("通知阅读情况"), RECEIPT_HEADER, rows)


# --- reports up -------------------------------------------------------------------------------


def _reports(request: HttpRequest) -> QuerySet[Report]:
    qs = reports_for(request.user)
    mine = own_org_id(request.user)
    # Received: every report in scope that others sent (to this org, or to an org below it).
    if _box(request) == "sent":
        qs = qs.filter(org_id=mine) if mine else qs.none()
    else:
        qs = qs.exclude(org_id=mine) if mine else qs
    return qs.order_by("-sent_at", "-id")


@console_view
def report_list(request: HttpRequest) -> HttpResponse:
    org = root_org(request.user)
    context = {
        "box": _box(request),
        "can_report": can_write(request.user) and org is not None and org.parent_id is not None,
        **paginate(request, _reports(request)),
    }
    return render(request, "console/voice/reports.html", context)


REPORT_HEADER = [_l("材料标题"), _l("报送工会"), _l("接收工会"), _l("报送时间"), _l("阅读时间"), _l("附件")]


@console_view
def report_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [r.title, r.org.name, r.to_org.name, timezone.localtime(r.sent_at), timezone.localtime(r.read_at) if r.read_at else "",
         r.attachment.name if r.attachment else ""]
        for r in _reports(request)
    )  # fmt: skip
    return excel.export(_("上报材料"), REPORT_HEADER, rows)


@console_view
def report_new(request: HttpRequest) -> HttpResponse:
    org = root_org(request.user)
    if org is None:
        raise Http404
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            data = clean_report(request.POST)
            report = send_report(org, data, upload(request), actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已报送%(org)s。") % {"org": report.to_org.name})
            return redirect("console:report", report.pk)
    context = {"org": org, "errors": errors, "form": request.POST}
    return render(request, "console/voice/report_form.html", context, status=400 if errors else 200)


@console_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if report.read_at is None and report.to_org_id == own_org_id(request.user):
        mark_report_read(report, request.user, actor=actor(request))
        report.refresh_from_db()
    return render(request, "console/voice/report.html", {"report": report})


@console_view
def notice_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's file, for whoever may open the notice (its sender's scope, its receiving orgs)."""
    notice = notice_for(request.user, pk)
    if notice.attachment is None:
        raise Http404
    return download(notice.attachment)


@console_view
def report_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if report.attachment is None:
        raise Http404
    return download(report.attachment)
