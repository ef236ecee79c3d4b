"""Five-party consultation pages (SPEC §6; seed Annex 3 §三4): meetings convened in the staff
member's scope with their parties, topics, resolutions and action items; the action items across
meetings; the accountability of each party (% done on time). Reads through voice.access, writes
through voice.services (audited there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.cases.access import case_in_scope, warning_in_scope, warnings_in_scope
from gongyou.cases.vocab import WarningStatus
from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import enterprises_in_scope, require_write, root_org
from gongyou.core.errors import FieldErrors, django_errors
from gongyou.core.uploads import named_file_response
from gongyou.voice.access import action_item_in_scope, action_items_in_scope, meeting_in_scope, meetings_in_scope
from gongyou.voice.inputs import MAX_FILE_BYTES, CleanFile, clean_file, clean_item, clean_meeting, clean_party
from gongyou.voice.models import ActionItem, Meeting, Party, Resolution, Topic
from gongyou.voice.queries import accountability
from gongyou.voice.services import (
    add_action_item,
    add_party,
    add_resolution,
    add_topic,
    attachment_content,
    complete_action_item,
    create_meeting,
    link_topic,
    remove_action_item,
    remove_party,
    remove_resolution,
    remove_topic,
    unlink_topic,
    update_action_item,
    update_meeting,
    update_party,
    update_resolution,
    update_topic,
)
from gongyou.voice.vocab import ENTERPRISE_PARTIES, ItemStatus, PartyKind

EXTRA_PARTY_ROWS = 3


def day(value: str) -> dt.date | None:
    try:
        return parse_date(value.strip())
    except ValueError:
        return None


def upload(request: HttpRequest, field: str = "file") -> CleanFile | None:
    """The checked upload, or None when none was sent; a refused one raises ValidationError.
    An oversized file is refused by its size alone, never read whole."""
    sent = request.FILES.get(field)
    if sent is None:
        return None
    size = sent.size or 0
    content = sent.read() if size <= MAX_FILE_BYTES else sent.read(16)
    return clean_file(sent.name or "", size, content, field=field)


def download(attachment: Any) -> HttpResponse:
    # At most 10 MB (inputs.MAX_FILE_BYTES): read whole, so the console's gate can wrap it.
    content = attachment_content(attachment)
    if content is None:
        raise Http404
    return named_file_response(content, attachment.content_type, attachment.name)


# --- meetings ---------------------------------------------------------------------------------


def _meetings(request: HttpRequest) -> QuerySet[Meeting]:
    qs = meetings_in_scope(request.user).annotate(
        n_parties=Count("parties", distinct=True),
        n_items=Count("items", distinct=True),
        n_done=Count("items", filter=Q(items__status=ItemStatus.DONE), distinct=True),
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(topics__title__icontains=q)).distinct()
    start, end = day(request.GET.get("from", "")), day(request.GET.get("to", ""))
    if start:
        qs = qs.filter(held_on__gte=start)
    if end:
        qs = qs.filter(held_on__lte=end)
    return qs.order_by("-held_on", "-id")


@console_view
def meeting_list(request: HttpRequest) -> HttpResponse:
    context = {"can_write": can_write(request.user), **paginate(request, _meetings(request))}
    return render(request, "console/voice/meetings.html", context)


MEETING_HEADER = [
    _l("会商名称"),
    _l("会商日期"),
    _l("地点"),
    _l("召集工会"),
    _l("参会方数"),
    _l("落实事项"),
    _l("已完成"),
]


@console_view
def meeting_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [m.title, m.held_on, m.place, m.org.name, m.n_parties, m.n_items, m.n_done]  # type: ignore[attr-defined]
        for m in _meetings(request)
    )
    return excel.export(_("五方协调会商"), MEETING_HEADER, rows)


def _party_rows(post: Any) -> list[dict[str, str]]:
    keys = ("kind", "name", "enterprise", "attendees")
    columns = {k: post.getlist(f"party_{k}") for k in keys}
    count = max((len(v) for v in columns.values()), default=0)
    return [{k: (columns[k][i] if i < len(columns[k]) else "") for k in keys} for i in range(count)]


def _meeting_form(
    request: HttpRequest, errors: dict[str, Any], form: Any, parties: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "errors": errors,
        "form": form,
        "parties": parties,
        "kinds": PartyKind.choices,
        "enterprise_kinds": list(ENTERPRISE_PARTIES),
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:400],
    }


@console_view
def meeting_new(request: HttpRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    parties = [{"kind": k, "name": "", "enterprise": "", "attendees": ""} for k in PartyKind.values]
    parties += [{"kind": "", "name": "", "enterprise": "", "attendees": ""}] * EXTRA_PARTY_ROWS
    if request.method == "POST":
        org = root_org(request.user)
        if org is None:
            raise Http404
        parties = _party_rows(request.POST)
        try:
            data = clean_meeting(request.POST, parties)
            allowed = set(enterprises_in_scope(request.user).values_list("pk", flat=True).filter(
                pk__in=[p.enterprise_id for p in data.parties if p.enterprise_id]))  # fmt: skip
            if any(p.enterprise_id and p.enterprise_id not in allowed for p in data.parties):
                raise ValidationError({"parties": [ValidationError(_("找不到这家企业"), code="unknown_enterprise")]})
            meeting = create_meeting(org, data, actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已登记会商“%(title)s”") % {"title": meeting.title})
            return redirect("console:meeting", meeting.pk)
        parties += [{"kind": "", "name": "", "enterprise": "", "attendees": ""}] * 1
    context = _meeting_form(request, errors, request.POST, parties)
    return render(request, "console/voice/meeting_form.html", context, status=400 if errors else 200)


@console_view
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_in_scope(request.user, pk)
    errors: dict[str, Any] = {}
    form: Any = {
        "title": meeting.title, "held_on": meeting.held_on.isoformat(), "place": meeting.place, "minutes": meeting.minutes,
    }  # fmt: skip
    if request.method == "POST":
        form = request.POST
        try:
            update_meeting(meeting, clean_meeting(request.POST, [], need_parties=False), actor=actor(request))
        except ValidationError as exc:
            errors = django_errors(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("console:meeting", meeting.pk)
    context = {**_meeting_form(request, errors, form, []), "meeting": meeting}
    return render(request, "console/voice/meeting_form.html", context, status=400 if errors else 200)


@console_view
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_in_scope(request.user, pk)
    today = timezone.localdate()
    items = list(meeting.items.select_related("owner", "resolution", "evidence_file").order_by("due_on", "id"))
    for item in items:
        item.shown_status = item.effective_status(today)  # type: ignore[attr-defined]
    context = {
        "meeting": meeting,
        "parties": meeting.parties.select_related("enterprise"),
        "topics": meeting.topics.prefetch_related("cases", "warnings"),
        "open_warnings": warnings_in_scope(request.user).filter(status=WarningStatus.OPEN).order_by("-raised_at")[:100],
        "resolutions": meeting.resolutions.select_related("topic"),
        "items": items,
        "kinds": PartyKind.choices,
        "enterprise_kinds": list(ENTERPRISE_PARTIES),
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:400],
        "can_write": can_write(request.user),
        "today": today.isoformat(),
    }
    return render(request, "console/voice/meeting.html", context)


def _meeting_post(request: HttpRequest, pk: int) -> Meeting | None:
    if request.method != "POST":
        return None
    return meeting_in_scope(request.user, pk)


@console_view
def meeting_add(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Add a party, a topic, a resolution or an action item to a meeting."""
    meeting = _meeting_post(request, pk)
    if meeting is None:
        return redirect("console:meeting", pk)
    post, act = request.POST, actor(request)
    try:
        if part == "party":
            errors = FieldErrors()
            party = clean_party(post, errors)
            errors.raise_if_any()
            assert party is not None
            if party.enterprise_id and not enterprises_in_scope(request.user).filter(pk=party.enterprise_id).exists():
                raise ValidationError(_("找不到这家企业"), code="unknown_enterprise")
            add_party(meeting, party.kind, party.name, party.attendees, party.enterprise_id, actor=act)
        elif part == "topic":
            add_topic(meeting, post.get("title", ""), post.get("description", ""), actor=act)
        elif part == "link":
            topic = meeting.topics.filter(pk=post.get("topic", "")).first() if post.get("topic", "").isdigit() else None
            if topic is None:
                raise ValidationError(_("请选择议题"), code="bad_topic")
            case_no = post.get("case_no", "").strip()
            warning = post.get("warning", "")
            try:
                linked_cases = [case_in_scope(request.user, case_no)] if case_no else []
                linked_warnings = [warning_in_scope(request.user, warning)] if warning.isdigit() else []
            except Http404:
                raise ValidationError(_("找不到这个诉求或预警"), code="not_found") from None
            if not linked_cases and not linked_warnings:
                raise ValidationError(_("请填写诉求编号或选择预警"), code="required")
            link_topic(topic, cases=linked_cases, warnings=linked_warnings, actor=act)
        elif part == "resolution":
            topic = meeting.topics.filter(pk=post.get("topic", "")).first() if post.get("topic", "").isdigit() else None
            add_resolution(meeting, post.get("text", ""), topic, actor=act)
        elif part == "item":
            owner = (
                meeting.parties.filter(pk=post.get("owner", "")).first() if post.get("owner", "").isdigit() else None
            )
            if owner is None:
                raise ValidationError(_("请选择责任方"), code="bad_owner")
            resolution = (
                meeting.resolutions.filter(pk=post.get("resolution", "")).first()
                if post.get("resolution", "").isdigit()
                else None
            )
            add_action_item(meeting, clean_item(post), owner=owner, resolution=resolution, actor=act)
        else:
            raise Http404
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已添加。"))
    return redirect("console:meeting", meeting.pk)


# --- corrections -------------------------------------------------------------------------------

PART_MODELS: dict[str, Any] = {"party": Party, "topic": Topic, "resolution": Resolution, "item": ActionItem}
PART_TITLES = {
    "party": _l("修改参会方"),
    "topic": _l("修改议题"),
    "resolution": _l("修改决议"),
    "item": _l("修改落实事项"),
}


def _part(request: HttpRequest, pk: int, part: str, part_pk: int) -> tuple[Meeting, Any]:
    """A meeting in the user's scope and one of its parties, topics, resolutions or items."""
    meeting = meeting_in_scope(request.user, pk)
    model = PART_MODELS.get(part)
    found = model.objects.filter(meeting=meeting, pk=part_pk).first() if model is not None else None
    if found is None:
        raise Http404
    return meeting, found


def _save_part(request: HttpRequest, meeting: Meeting, part: str, obj: Any) -> None:
    post, act = request.POST, actor(request)
    if part == "party":
        errors = FieldErrors()
        data = clean_party(post, errors, field="kind")
        errors.raise_if_any()
        assert data is not None
        if data.enterprise_id and not enterprises_in_scope(request.user).filter(pk=data.enterprise_id).exists():
            raise ValidationError(_("找不到这家企业"), code="unknown_enterprise")
        update_party(obj, data, actor=act)
    elif part == "topic":
        update_topic(obj, post.get("title", ""), post.get("description", ""), actor=act)
    elif part == "resolution":
        topic_pk = post.get("topic", "")
        topic = meeting.topics.filter(pk=topic_pk).first() if topic_pk.isdigit() else None
        update_resolution(obj, post.get("text", ""), topic, actor=act)
    else:
        owner_pk, resolution_pk = post.get("owner", ""), post.get("resolution", "")
        owner = meeting.parties.filter(pk=owner_pk).first() if owner_pk.isdigit() else None
        if owner is None:
            raise ValidationError({"owner": [ValidationError(_("请选择责任方"), code="bad_owner")]})
        resolution = meeting.resolutions.filter(pk=resolution_pk).first() if resolution_pk.isdigit() else None
        update_action_item(
            obj, clean_item(post), owner=owner, resolution=resolution, reason=post.get("reason", ""), actor=act
        )


@console_view
def meeting_part_edit(request: HttpRequest, pk: int, part: str, part_pk: int) -> HttpResponse:
    """Correct a party, topic, resolution or open action item of a meeting (voice.services,
    "corrections": what is guarded and audited)."""
    require_write(request.user)  # the form is for correcting; reading is the meeting page
    meeting, obj = _part(request, pk, part, part_pk)
    error = ""
    if request.method == "POST":
        try:
            _save_part(request, meeting, part, obj)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已修改。"))
            return redirect("console:meeting", meeting.pk)
    context = {
        "meeting": meeting,
        "part": part,
        "obj": obj,
        "title": PART_TITLES[part],
        "form": request.POST if error else None,
        "error": error,
        "kinds": PartyKind.choices,
        "enterprises": enterprises_in_scope(request.user).order_by("name")[:400],
        "parties": meeting.parties.order_by("id"),
        "topics": meeting.topics.order_by("id"),
        "resolutions": meeting.resolutions.order_by("id"),
        "can_write": can_write(request.user),
    }
    if part == "topic":
        context["linked_cases"] = obj.cases.order_by("case_no")
        context["linked_warnings"] = obj.warnings.order_by("-raised_at")
    return render(request, "console/voice/part_form.html", context, status=400 if error else 200)


@require_POST
@console_view
def meeting_part_remove(request: HttpRequest, pk: int, part: str, part_pk: int) -> HttpResponse:
    meeting, obj = _part(request, pk, part, part_pk)
    act = actor(request)
    try:
        if part == "party":
            remove_party(obj, actor=act)
        elif part == "topic":
            remove_topic(obj, actor=act)
        elif part == "resolution":
            remove_resolution(obj, actor=act)
        else:
            remove_action_item(obj, reason=request.POST.get("reason", ""), actor=act)
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("console:meeting_part_edit", meeting.pk, part, obj.pk)
    messages.success(request, _("已删除。"))
    return redirect("console:meeting", meeting.pk)


@require_POST
@console_view
def topic_unlink(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """Take a case or a warning linked by mistake off a topic."""
    meeting, topic = _part(request, pk, "topic", part_pk)
    case_no, warning = request.POST.get("case_no", ""), request.POST.get("warning", "")
    case = topic.cases.filter(case_no=case_no).first() if case_no else None
    found_warning = topic.warnings.filter(pk=warning).first() if warning.isdigit() else None
    if case is None and found_warning is None:
        raise Http404
    unlink_topic(topic, case=case, warning=found_warning, actor=actor(request))
    messages.success(request, _("已取消关联。"))
    return redirect("console:meeting_part_edit", meeting.pk, "topic", topic.pk)


# --- action items -----------------------------------------------------------------------------


def _items(request: HttpRequest) -> QuerySet[ActionItem]:
    qs = action_items_in_scope(request.user)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status == ItemStatus.OVERDUE:
        qs = qs.filter(status=ItemStatus.OPEN, due_on__lt=today)
    elif status == ItemStatus.OPEN:
        qs = qs.filter(status=ItemStatus.OPEN, due_on__gte=today)
    elif status == ItemStatus.DONE:
        qs = qs.filter(status=ItemStatus.DONE)
    kind = request.GET.get("kind", "")
    if kind in PartyKind.values:
        qs = qs.filter(owner__kind=kind)
    return qs.order_by("due_on", "id")


@console_view
def item_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _items(request))
    today = timezone.localdate()
    for item in context["rows"]:
        item.shown_status = item.effective_status(today)
    context.update(statuses=ItemStatus.choices, kinds=PartyKind.choices)
    return render(request, "console/voice/items.html", context)


ITEM_HEADER = [
    _l("事项"),
    _l("会商"),
    _l("责任方"),
    _l("责任方类型"),
    _l("完成期限"),
    _l("原定期限"),
    _l("状态"),
    _l("完成日期"),
    _l("按期完成"),
    _l("完成情况与佐证"),
]


@console_view
def item_export(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        [i.title, i.meeting.title, i.owner.name, i.owner.get_kind_display(), i.due_on, i.original_due_on or "",
         str(ItemStatus(i.effective_status(today)).label), i.done_on or "",
         (_("是") if i.on_time else _("否")) if i.done_on else "", i.evidence]
        for i in _items(request)
    )  # fmt: skip
    return excel.export(_("会商落实事项"), ITEM_HEADER, rows)


@console_view
def item_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = action_item_in_scope(request.user, pk)
    if request.method != "POST":
        return redirect("console:meeting", item.meeting_id)
    done_on = day(request.POST.get("done_on", "")) or timezone.localdate()
    try:
        complete_action_item(
            item, done_on=done_on, evidence=request.POST.get("evidence", ""), file=upload(request), actor=actor(request)
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("事项“%(title)s”已标记完成。") % {"title": item.title})
    return redirect("console:meeting", item.meeting_id)


@console_view
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = action_item_in_scope(request.user, pk)
    if item.evidence_file is None:
        raise Http404
    return download(item.evidence_file)


# --- accountability ---------------------------------------------------------------------------


def _accountability(request: HttpRequest) -> tuple[list[Any], dt.date | None, dt.date | None]:
    items = action_items_in_scope(request.user)
    start, end = day(request.GET.get("from", "")), day(request.GET.get("to", ""))
    if start:
        items = items.filter(due_on__gte=start)
    if end:
        items = items.filter(due_on__lte=end)
    return accountability(items, timezone.localdate()), start, end


@console_view
def accountability_view(request: HttpRequest) -> HttpResponse:
    rows, start, end = _accountability(request)
    context = {"rows": rows, "start": start, "end": end, "query": request.GET.urlencode()}
    return render(request, "console/voice/accountability.html", context)


ACCOUNTABILITY_HEADER = [
    _l("责任方"),
    _l("类型"),
    _l("事项数"),
    _l("按期完成"),
    _l("逾期完成"),
    _l("逾期未完成"),
    _l("未到期"),
    _l("按期完成率（%）"),
]


@console_view
def accountability_export(request: HttpRequest) -> HttpResponse:
    rows, _start, _end = _accountability(request)
    data = (
        [r.name, r.kind_label, r.total, r.done_on_time, r.done_late, r.overdue, r.pending,
         "" if r.on_time_percent is None else r.on_time_percent]
        for r in rows
    )  # fmt: skip
    return excel.export(_("会商落实问责"), ACCOUNTABILITY_HEADER, data)
