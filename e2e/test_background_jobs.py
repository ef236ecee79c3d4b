"""Background jobs in a real browser (issue 13 part 2): an export built by a worker is polled on
its page (htmx, no inline script) until the download link appears; an admin sees a failed job
with its reason under 后台任务 and queues it again. Screenshots: artifacts/screenshots/console/."""

from __future__ import annotations

import re

import pytest

from gongyou.console import totp
from gongyou.console.models import StaffTOTP
from gongyou.console.services import issue_totp_activation
from gongyou.core import crypto, excel, jobs
from gongyou.core.actors import COMMAND
from gongyou.core.models import BackgroundJob, StaffProfile
from gongyou.core.services import create_staff
from gongyou.core.tests import job_fixtures

from .conftest import menu

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"  # conftest.PASSWORD


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_an_export_page_follows_the_worker_until_the_file_is_ready(
    live_server, transactional_db, personas, desktop_page, screenshot
):
    page, base = desktop_page, live_server.url
    login(page, base, "street")
    page.wait_for_url(re.compile(r".*/console/$"))
    # A worker is building a large member list (another process in production).
    job = BackgroundJob.objects.create(
        task_path="gongyou.console.tasks.build_export", status="running", attempts=1, done=4000, total=10000,
        created_by=personas["street"],
    )  # fmt: skip
    page.goto(f"{base}/console/jobs/{job.pk}/")
    assert page.locator("text=已处理 4000 / 10000 行").is_visible()
    assert page.get_by_test_id("job-state").inner_text().startswith("后台正在处理")
    screenshot(page, "console/jobs-export-running")
    content = excel.workbook_bytes([excel.Sheet("会员名单", ["会员编号"], [["GY0000000001"]])])
    BackgroundJob.objects.filter(pk=job.pk).update(
        status="succeeded", done=10000, output=content, output_name="会员名单-20261201.xlsx"
    )
    page.get_by_test_id("job-download").wait_for(timeout=10000)  # the panel polls every second
    screenshot(page, "console/jobs-export-ready")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "会员名单-20261201.xlsx"


def test_a_city_admin_sees_a_failed_scheduled_job_and_queues_it_again(live_server, transactional_db, world, desktop_page, screenshot):
    admin = create_staff(
        username="admin1", password=PASSWORD, org=world.city, role=StaffProfile.Role.ADMIN, actor=COMMAND
    )
    activation = issue_totp_activation(admin, actor=COMMAND)
    job_fixtures.FAILURES["e2e"] = 1
    failed = jobs.enqueue(job_fixtures.flaky, "e2e")
    BackgroundJob.objects.filter(pk=failed.pk).update(status="failed", attempts=3)
    page, base = desktop_page, live_server.url
    login(page, base, "admin1")
    page.wait_for_url(re.compile(r".*/console/login/totp/.*"))
    page.fill("#id_activation", activation)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=totp-secret]")
    page.fill("#id_code", totp.code_at(crypto.decrypt(StaffTOTP.objects.get(user=admin).secret_enc)))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))
    menu(page, "后台任务")
    page.select_option("select[name=status]", "failed")
    page.click("text=查询")
    row = page.get_by_test_id("job-row").first
    assert "RuntimeError" in row.inner_text() and "3/3" in row.inner_text()
    screenshot(page, "console/jobs-failed")
    row.get_by_role("button", name="重新排队").click()
    page.wait_for_selector("text=已重新排队")
    screenshot(page, "console/jobs-requeued")
    failed.refresh_from_db()
    assert failed.status == "succeeded"
    job_fixtures.FAILURES.clear()
