"""The departments' task board in the console: a city officer lists departments and tasks,
records progress with a file, the board's counts, filters and export; the board stays in the
keeping federation's scope; read-only roles only read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongyou.console import security
from gongyou.core.actors import COMMAND
from gongyou.core.excel import read_table
from gongyou.core.models import AuditLog, StaffProfile
from gongyou.core.services import create_staff
from gongyou.voice.inputs import clean_task
from gongyou.voice.models import Department, DepartmentTask
from gongyou.voice.services import add_department, add_department_task

PDF = b"%PDF-1.4\n%evidence\n"


def city_officer(client, world, role=StaffProfile.Role.OFFICER):
    user = create_staff(username=f"city_{role}", password="x" * 12, org=world.city, role=role, actor=COMMAND)
    client.force_login(user)
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    return user


def test_a_city_officer_builds_the_board_and_records_progress(client, world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    city_officer(client, world)
    assert client.post("/console/departments/new/", {"name": "上海市邮政管理局"}).status_code == 302
    department = Department.objects.get(org=world.city)
    response = client.post(
        "/console/departments/tasks/new/",
        {"department": department.pk, "title": "指导建立快递行业工会联合会", "due_on": "2026-12-31", "description": "条件成熟的区、街镇"},
    )
    task = DepartmentTask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/departments/tasks/{task.pk}/"
    upload = SimpleUploadedFile("进展.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/console/departments/tasks/{task.pk}/", {"progress": "60", "note": "5 个区已建", "file": upload})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.progress, task.status) == (60, "in_progress")
    update = task.updates.get()
    page = client.get(f"/console/departments/tasks/{task.pk}/").content.decode()
    assert "5 个区已建" in page and "进展.pdf" in page
    download = client.get(f"/console/departments/tasks/{task.pk}/evidence/{update.pk}/")
    assert download.status_code == 200 and download.content == PDF
    history = read_table(client.get(f"/console/departments/tasks/{task.pk}/export/").content)
    assert history[0][1] == "进度（%）" and str(history[1][1]) == "60" and history[1][3] == "进展.pdf"
    board = client.get("/console/departments/").content.decode()
    assert "上海市邮政管理局" in board and "指导建立快递行业工会联合会" in board and "60%" in board
    table = read_table(client.get("/console/departments/export/").content)
    assert table[0][:3] == ["工会", "部门", "任务"] and table[1][1:3] == ["上海市邮政管理局", "指导建立快递行业工会联合会"]
    assert str(table[1][4]) == "60" and table[1][5] == "推进中"
    assert set(AuditLog.objects.filter(org=world.city).values_list("action", flat=True)) >= {
        "voice.add_department", "voice.add_department_task", "voice.record_task_progress",
    }


def test_a_report_without_words_or_file_is_refused_and_kept_in_the_form(client, world):
    city_officer(client, world)
    task = add_department_task(add_department(world.city, "市人社局", actor=COMMAND), clean_task({"title": "畅通投诉渠道"}), actor=COMMAND)
    response = client.post(f"/console/departments/tasks/{task.pk}/", {"progress": "30", "note": ""})
    assert response.status_code == 400 and "请填写进展情况或上传佐证材料" in response.content.decode()
    assert 'value="30"' in response.content.decode() and not task.updates.exists()
    response = client.post(f"/console/departments/tasks/{task.pk}/", {"progress": "120", "note": "x"})
    assert response.status_code == 400 and "0 到 100" in response.content.decode()


def test_filters_and_counts(client, world):
    city_officer(client, world)
    department = add_department(world.city, "市交通委", actor=COMMAND)
    add_department_task(department, clean_task({"title": "逾期的任务", "due_on": "2020-01-01"}), actor=COMMAND)
    add_department_task(department, clean_task({"title": "未到期的任务", "due_on": "2099-01-01"}), actor=COMMAND)
    overdue = client.get("/console/departments/", {"status": "overdue"}).content.decode()
    assert "逾期的任务" in overdue and "未到期的任务" not in overdue
    open_ = client.get("/console/departments/", {"status": "not_started"}).content.decode()
    assert "未到期的任务" in open_ and "逾期的任务" not in open_
    counts = client.get("/console/departments/").content.decode().split('data-testid="board-counts"', 1)[1][:600]
    assert [v.split("</div>")[0] for v in counts.split('class="value">')[1:]] == ["2", "0", "1"]


def test_a_task_is_added_only_to_the_officers_own_board(client, world):
    city_officer(client, world)
    district_department = add_department(world.district, "区交通委", actor=COMMAND)
    client.post("/console/departments/tasks/new/", {"department": district_department.pk, "title": "x"})
    assert not DepartmentTask.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("street", 404), ("station", 404), ("other_street", 404)])
def test_the_board_is_not_seen_below_its_federation(client, world, personas, persona, status):
    task = add_department_task(add_department(world.city, "市检察院", actor=COMMAND), clean_task({"title": "支持起诉"}), actor=COMMAND)
    client.force_login(personas[persona])
    assert client.get(f"/console/departments/tasks/{task.pk}/").status_code == status
    assert "支持起诉" not in client.get("/console/departments/").content.decode()


def test_read_only_roles_read_and_do_not_write(client, world):
    task = add_department_task(add_department(world.city, "市网信办", actor=COMMAND), clean_task({"title": "舆情研判"}), actor=COMMAND)
    city_officer(client, world, role=StaffProfile.Role.VIEWER)
    page = client.get(f"/console/departments/tasks/{task.pk}/").content.decode()
    assert "舆情研判" in page and 'name="progress"' not in page
    assert client.post(f"/console/departments/tasks/{task.pk}/", {"progress": "10", "note": "x"}).status_code == 403
    assert client.post("/console/departments/new/", {"name": "别的部门"}).status_code == 403
