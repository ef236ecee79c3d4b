"""The departments' task board (SPEC §8; seed Annex 2 各部门工作任务分工): the departments a
federation works with, each department's tasks with their progress and evidence; a task's page
with its history and the form that records progress. Reads through voice.access, writes through
voice.services (audited there)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, can_write, error_text, flash_error, paginate
from gongyou.console.views.consultations import download, upload
from gongyou.core import excel
from gongyou.core.access import root_org
from gongyou.voice.access import department_task_in_scope, department_tasks_in_scope, departments_in_scope
from gongyou.voice.inputs import clean_department_name, clean_progress, clean_task
from gongyou.voice.models import DepartmentTask
from gongyou.voice.services import add_department, add_department_task, record_task_progress
from gongyou.voice.vocab import TaskStatus


def _tasks(request: HttpRequest) -> QuerySet[DepartmentTask]:
    qs = department_tasks_in_scope(request.user)
    department = request.GET.get("department", "")
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status == TaskStatus.OVERDUE:
        qs = qs.exclude(status=TaskStatus.DONE).filter(due_on__lt=today)
    elif status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS):
        qs = qs.filter(status=status).filter(Q(due_on__isnull=True) | Q(due_on__gte=today))
    elif status == TaskStatus.DONE:
        qs = qs.filter(status=TaskStatus.DONE)
    return qs.order_by("department__org_id", "department_id", "id")


def _own_departments(request: HttpRequest) -> QuerySet[Any]:
    org = root_org(request.user)
    return departments_in_scope(request.user).filter(org=org).order_by("id") if org is not None else departments_in_scope(request.user).none()


@console_view
def board(request: HttpRequest) -> HttpResponse:
    context = paginate(request, _tasks(request))
    today = timezone.localdate()
    for task in context["rows"]:
        task.shown_status = task.effective_status(today)
    scope = department_tasks_in_scope(request.user)
    context.update(
        departments=departments_in_scope(request.user).order_by("org_id", "id"),
        own_departments=_own_departments(request),
        statuses=TaskStatus.choices,
        can_write=can_write(request.user),
        org=root_org(request.user),
        counts={
            "total": scope.count(),
            "done": scope.filter(status=TaskStatus.DONE).count(),
            "overdue": scope.exclude(status=TaskStatus.DONE).filter(due_on__lt=today).count(),
        },
    )
    return render(request, "console/voice/departments.html", context)


HEADER = [_l("工会"), _l("部门"), _l("任务"), _l("完成期限"), _l("进度（%）"), _l("状态"), _l("最近更新"), _l("完成日期")]


@console_view
def board_export(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        [t.department.org.name, t.department.name, t.title, t.due_on or "", t.progress,
         str(TaskStatus(t.effective_status(today)).label),
         timezone.localtime(t.updated_at) if t.updated_at else "", t.done_on or ""]
        for t in _tasks(request)
    )  # fmt: skip
    return excel.export(_("部门任务"), HEADER, rows)


@require_POST
@console_view
def department_new(request: HttpRequest) -> HttpResponse:
    org = root_org(request.user)
    if org is None:
        raise Http404
    try:
        department = add_department(org, clean_department_name(request.POST), actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已添加部门“%(name)s”。") % {"name": department.name})
    return redirect("console:department_tasks")


@require_POST
@console_view
def task_new(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("department", "")
    department = _own_departments(request).filter(pk=pk).first() if pk.isdigit() else None
    try:
        if department is None:
            raise ValidationError({"department": [ValidationError(_("请选择部门"), code="bad_department")]})
        task = add_department_task(department, clean_task(request.POST), actor=actor(request))
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("console:department_tasks")
    messages.success(request, _("已添加任务。"))
    return redirect("console:department_task", task.pk)


@console_view
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = department_task_in_scope(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            record_task_progress(task, clean_progress(request.POST), upload(request), actor=actor(request))
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, _("已记录进展。"))
            return redirect("console:department_task", task.pk)
        task.refresh_from_db()
    context = {
        "task": task,
        "shown_status": task.effective_status(timezone.localdate()),
        "updates": task.updates.select_related("evidence"),
        "can_write": can_write(request.user),
        "error": error,
        "form": request.POST if error else None,
    }
    return render(request, "console/voice/department_task.html", context, status=400 if error else 200)


UPDATE_HEADER = [_l("时间"), _l("进度（%）"), _l("进展情况"), _l("佐证材料"), _l("记录人")]


@console_view
def task_updates_export(request: HttpRequest, pk: int) -> HttpResponse:
    task = department_task_in_scope(request.user, pk)
    rows = (
        [timezone.localtime(u.at), u.progress, u.note, u.evidence.name if u.evidence else "", u.recorded_by]
        for u in task.updates.select_related("evidence")
    )
    return excel.export(_("任务进展"), UPDATE_HEADER, rows)


@console_view
def task_evidence(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    task = department_task_in_scope(request.user, pk)
    update = task.updates.select_related("evidence").filter(pk=update_pk).first()
    if update is None or update.evidence is None:
        raise Http404
    return download(update.evidence)
