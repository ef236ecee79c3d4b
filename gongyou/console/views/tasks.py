"""The 25-rule task board (seed §二(一)3): street federations guide enterprises with 25 or more
individual members to found their own union, tracked to closure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from gongyou.console.decorators import console_view
from gongyou.console.templatetags.console_tags import actor_label
from gongyou.console.views.common import actor, can_write, flash_error, paginate
from gongyou.core import excel
from gongyou.core.access import get_in_scope, scope_org_ids
from gongyou.members.access import founding_tasks_for, memberships_for
from gongyou.members.models import FoundingTask, FoundingTaskNote
from gongyou.members.services import add_founding_task_note, individual_members, update_founding_task


def _tasks(request: HttpRequest) -> QuerySet[FoundingTask]:
    qs = founding_tasks_for(request.user).select_related("assignee", "founded_union", "enterprise__street")
    status = request.GET.get("status", "open")
    if status in FoundingTask.Status.values:
        qs = qs.filter(status=status)
    assignee = request.GET.get("assignee", "")
    if assignee == "me":
        qs = qs.filter(assignee_id=request.user.pk)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    return qs.order_by("-member_count", "-opened_at")


@console_view
def task_list(request: HttpRequest) -> HttpResponse:
    latest = FoundingTaskNote.objects.filter(task=OuterRef("pk")).order_by("-at", "-id").values("text")[:1]
    tasks = _tasks(request).annotate(latest_note=Subquery(latest))
    context = {"status": request.GET.get("status", "open"), "statuses": FoundingTask.Status.choices, **paginate(request, tasks)}
    return render(request, "console/tasks/list.html", context)


HEADER = [_l("街镇总工会"), _l("企业"), _l("统一社会信用代码"), _l("个体会员数"), _l("状态"), _l("负责人"), _l("开始时间"),
          _l("关闭时间"), _l("关闭原因"), _l("建立的工会"), _l("工作记录")]


def _follow_up_text(task: FoundingTask) -> str:
    """The whole log in one cell, newest first: "2026-05-01 14:00 工作人员 li：约谈企业"."""
    return "\n".join(
        f"{timezone.localtime(n.at):%Y-%m-%d %H:%M} {actor_label(n.author_label)}：{n.text}" for n in task.follow_ups.all()
    )


@console_view
def task_export(request: HttpRequest) -> HttpResponse:
    # Prefetched per iterator chunk: one query for the follow-ups of 2,000 tasks.
    tasks = _tasks(request).prefetch_related(Prefetch("follow_ups", FoundingTaskNote.objects.order_by("-at", "-id")))
    rows = (
        [t.federation.name, t.enterprise.name, t.enterprise.uscc, t.member_count, t.get_status_display(),
         t.assignee.get_username() if t.assignee else "", t.opened_at, t.closed_at, t.closed_reason,
         t.founded_union.name if t.founded_union else "", _follow_up_text(t)]
        for t in tasks.iterator(chunk_size=2000)
    )
    return excel.export(_("建会任务"), HEADER, rows)


def _assignees(request: HttpRequest) -> QuerySet[Any]:
    """Staff who may be given the task: active staff inside the user's scope."""
    users = get_user_model().objects.filter(is_active=True, staff_profile__isnull=False)
    ids = scope_org_ids(request.user)
    if ids is not None:
        users = users.filter(staff_profile__org__in=ids)
    return users.select_related("staff_profile__org").order_by("username")


@console_view
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_in_scope(request.user, founding_tasks_for(request.user).select_related("assignee", "founded_union"), "federation", pk=pk)
    if request.method == "POST":
        try:
            if "text" in request.POST:  # the follow-up form
                add_founding_task_note(task, request.POST["text"], actor=actor(request))
            else:
                assignee = _assignees(request).filter(pk=request.POST.get("assignee") or 0).first()
                update_founding_task(
                    task, actor=actor(request),
                    assignee_id=assignee.pk if assignee else None, close_reason=request.POST.get("close_reason", "").strip(),
                )
            messages.success(request, _("已保存"))
        except ValidationError as exc:
            flash_error(request, exc)
        return redirect("console:task", pk=task.pk)
    members = memberships_for(request.user).filter(pk__in=individual_members(task.enterprise, task.federation.region).values("pk"))
    context = {
        "task": task,
        "follow_ups": task.follow_ups.order_by("-at", "-id"),
        "union": task.enterprise.active_union(),
        "members": members.select_related("person", "org").order_by("person__name")[:200],
        "member_count": members.count(),
        "assignees": _assignees(request)[:200],
        "can_write": can_write(request.user),
    }
    return render(request, "console/tasks/detail.html", context)
