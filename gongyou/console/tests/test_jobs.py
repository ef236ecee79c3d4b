"""Background jobs in the console: a large export becomes a job with a download link for whoever
asked; the admins' list shows pending and failed jobs and sends a failed one again."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from gongyou.console import security
from gongyou.core.actors import COMMAND
from gongyou.core.models import BackgroundJob, StaffProfile
from gongyou.core.services import create_staff


def admin_at(client, org, username):
    admin = create_staff(username=username, password="x" * 12, org=org, role=StaffProfile.Role.ADMIN, actor=COMMAND)
    client.force_login(admin)
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    return admin


@pytest.fixture
def admin_client(client, world):
    admin_at(client, world.city, "city_admin")
    return client


def test_a_large_member_export_is_a_job_with_a_download_for_its_owner_only(client, personas, console_data, settings):
    settings.GONGYOU_EXPORT_INLINE_ROWS = 0
    client.force_login(personas["street"])
    response = client.get("/console/members/export/", {"status": "applied"})
    job = BackgroundJob.objects.get(task_path="gongyou.console.tasks.build_export")
    assert response.status_code == 302 and response["Location"] == f"/console/jobs/{job.pk}/"
    # The filters travel encrypted: a member search may hold an ID number.
    assert "applied" not in str(job.args)
    page = client.get(f"/console/jobs/{job.pk}/").content.decode()
    assert "下载Excel" in page and f"/console/jobs/{job.pk}/download/" in page
    download = client.get(f"/console/jobs/{job.pk}/download/")
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    sheet = load_workbook(BytesIO(download.content)).active
    inline = client.get("/console/members/export/", {"status": "applied"})
    assert inline.status_code == 302  # still a job (the threshold is 0)
    settings.GONGYOU_EXPORT_INLINE_ROWS = 5000
    inline = load_workbook(BytesIO(client.get("/console/members/export/", {"status": "applied"}).content)).active
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [[c.value for c in r] for r in inline.iter_rows()]
    client.force_login(personas["city"])
    assert client.get(f"/console/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/console/jobs/{job.pk}/download/").status_code == 404


def test_admins_see_failed_jobs_and_send_them_again(admin_client, settings):
    from gongyou.core import jobs
    from gongyou.core.tests import job_fixtures
    from gongyou.core.tests.job_fixtures import flaky

    job_fixtures.FAILURES["x"] = 1
    job = jobs.enqueue(flaky, "x")
    BackgroundJob.objects.filter(pk=job.pk).update(status="failed", attempts=3)
    page = admin_client.get("/console/jobs/", {"status": "failed"}).content.decode()
    assert "flaky" in page and "RuntimeError" in page and "重新排队" in page
    assert admin_client.post(f"/console/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == "succeeded"
    job_fixtures.FAILURES.clear()
    job_fixtures.RUNS.clear()


@pytest.mark.parametrize(
    ("admin_org", "sees_street_job", "sees_schedule_job"),
    [("city", True, True), ("district", True, False), ("street_fed", True, False), ("other_street_fed", False, False)],
)
def test_an_admin_sees_and_retries_only_the_jobs_of_their_scope(
    client, world, personas, admin_org, sees_street_job, sees_schedule_job
):
    """A job started by a street officer belongs to that street's admins and those above it; the
    schedule's jobs (nobody started them) to the city's admins only."""
    from gongyou.core import jobs
    from gongyou.core.tests.job_fixtures import flaky

    by_street = jobs.enqueue(flaky, "street", user=personas["street"])
    by_schedule = jobs.enqueue(flaky, "schedule")
    BackgroundJob.objects.filter(pk__in=[by_street.pk, by_schedule.pk]).update(status="failed", error="RuntimeError")
    admin_at(client, getattr(world, admin_org), f"{admin_org}_admin")
    page = client.get("/console/jobs/", {"status": "failed"}).content.decode()
    assert (f"/console/jobs/{by_street.pk}/retry/" in page) == sees_street_job
    assert (f"/console/jobs/{by_schedule.pk}/retry/" in page) == sees_schedule_job
    expected = int(sees_street_job) + int(sees_schedule_job)
    assert f"失败 ({expected})" in page
    for job, seen in ((by_street, sees_street_job), (by_schedule, sees_schedule_job)):
        if not seen:
            assert client.post(f"/console/jobs/{job.pk}/retry/").status_code == 404
            assert BackgroundJob.objects.get(pk=job.pk).status == "failed"


def test_a_retry_is_filed_where_the_jobs_admins_see_it(client, world, personas):
    """The audit row of a retry goes under the org of whoever started the job (the schedule's:
    the city federation), so the admins who may retry it also see that it was retried."""
    from gongyou.core import jobs
    from gongyou.core.access import audit_entries_for
    from gongyou.core.models import AuditLog
    from gongyou.core.tests.job_fixtures import flaky

    by_street = jobs.enqueue(flaky, "street-audit", user=personas["street"])
    by_schedule = jobs.enqueue(flaky, "schedule-audit")
    BackgroundJob.objects.filter(pk__in=[by_street.pk, by_schedule.pk]).update(status="failed")
    city_admin = admin_at(client, world.city, "city_admin_audit")
    client.post(f"/console/jobs/{by_street.pk}/retry/")
    client.post(f"/console/jobs/{by_schedule.pk}/retry/")
    rows = {row.object_id: row.org for row in AuditLog.objects.filter(action="job.retry")}
    assert rows == {str(by_street.pk): world.street_fed, str(by_schedule.pk): world.city}
    street_admin = admin_at(client, world.street_fed, "street_admin_audit")
    assert audit_entries_for(street_admin).filter(action="job.retry").count() == 1
    assert audit_entries_for(city_admin).filter(action="job.retry").count() == 2
