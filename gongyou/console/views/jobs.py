"""Background jobs (gongyou/core/jobs.py): a job's own page for whoever started it (an export's
progress and download link), and the admins' list of pending, running and failed jobs."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongyou.console.decorators import console_view
from gongyou.console.views.common import actor, paginate
from gongyou.core import excel, jobs
from gongyou.core.access import jobs_for
from gongyou.core.models import BackgroundJob

S = BackgroundJob.Status
FILTERS = {
    "pending": [S.QUEUED, S.RUNNING, S.RETRYING],
    "failed": [S.FAILED],
    "succeeded": [S.SUCCEEDED],
}


def _own(request: HttpRequest, pk: int) -> BackgroundJob:
    """A job's page and file belong to whoever started it (an export holds personal data)."""
    job = BackgroundJob.objects.defer("output").filter(pk=pk, created_by_id=request.user.pk).first()
    if job is None:
        raise Http404
    return job


@console_view
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "console/jobs/detail.html", {"job": _own(request, pk)})


@console_view
def job_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "console/jobs/_panel.html", {"job": _own(request, pk)})


@console_view
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    content = BackgroundJob.objects.filter(pk=job.pk).values_list("output", flat=True).first()
    if job.status != S.SUCCEEDED or not content:
        raise Http404
    response = HttpResponse(bytes(content), content_type=excel.XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(job.output_name)}"
    patch_cache_control(response, no_store=True, private=True)
    return response


@console_view(admin=True)
def job_list(request: HttpRequest) -> HttpResponse:
    """The jobs in the admin's scope (core.access.jobs_for): what waits, what runs, what failed
    and why; a failed one can be sent again."""
    shown = request.GET.get("status", "pending")
    scope = jobs_for(request.user)
    qs = scope.defer("output", "args", "result").select_related("created_by")
    if shown in FILTERS:
        qs = qs.filter(status__in=FILTERS[shown])
    counts = {name: scope.filter(status__in=statuses).count() for name, statuses in FILTERS.items()}
    context = {"shown": shown, "counts": counts, **paginate(request, qs.order_by("-created_at", "-id"))}
    for job in context["rows"]:
        job.label = jobs.label_of(job.task_path)
    return render(request, "console/jobs/list.html", context)


@require_POST
@console_view(admin=True)
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs_for(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    jobs.retry_job(job, actor=actor(request))
    messages.success(request, _("已重新排队"))
    return redirect("console:jobs")
