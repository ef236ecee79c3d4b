"""The departments' task board (seed Annex 2): a federation lists the departments it works with
and their tasks; progress is recorded with what was done (and a file to show it), 100 % is done;
the board is seen in the keeping federation's scope only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.voice.access import department_task_in_scope, department_tasks_in_scope, departments_in_scope
from gongyou.voice.inputs import clean_file, clean_progress, clean_task
from gongyou.voice.models import DepartmentTask
from gongyou.voice.services import add_department, add_department_task, record_task_progress

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%evidence\n"


def codes(exc):
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


@pytest.fixture
def task(world):
    department = add_department(world.city, "上海市邮政管理局", actor=COMMAND)
    return add_department_task(
        department, clean_task({"title": "指导区、街镇建立快递行业工会联合会", "due_on": "2026-12-31"}), actor=COMMAND
    )


def test_progress_moves_the_state_and_is_kept_as_history(task, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert (task.progress, task.status) == (0, "not_started")
    record_task_progress(task, clean_progress({"progress": "40", "note": "3 个区已建快递行业工会联合会"}), actor=COMMAND)
    task.refresh_from_db()
    assert (task.progress, task.status, task.done_on) == (40, "in_progress", None)
    update = record_task_progress(
        task, clean_progress({"progress": "100%", "note": ""}), clean_file("建会情况.pdf", len(PDF), PDF), actor=COMMAND
    )
    task.refresh_from_db()
    assert (task.progress, task.status, task.done_on) == (100, "done", timezone.localdate())
    assert update.evidence.name == "建会情况.pdf"
    assert [u.progress for u in task.updates.all()] == [100, 40]
    entry = AuditLog.objects.filter(action="voice.record_task_progress").order_by("-id").first()
    assert entry.before == {"progress": 40, "status": "in_progress"} and entry.after["status"] == "done"
    assert entry.org == task.department.org


def test_a_report_says_what_was_done_or_shows_it(task):
    with pytest.raises(ValidationError) as exc:
        record_task_progress(task, clean_progress({"progress": "50", "note": " "}), actor=COMMAND)
    assert codes(exc) == {"note": ["evidence_required"]}
    assert not task.updates.exists()


@pytest.mark.parametrize("bad", ["", "-1", "101", "五十", "50.5"])
def test_progress_is_a_whole_percentage(bad):
    with pytest.raises(ValidationError) as exc:
        clean_progress({"progress": bad, "note": "x"})
    assert codes(exc) == {"progress": ["bad_progress"]}


def test_a_done_task_can_be_reopened_with_a_note(task):
    record_task_progress(task, clean_progress({"progress": "100", "note": "完成"}), actor=COMMAND)
    record_task_progress(task, clean_progress({"progress": "80", "note": "复查发现 1 个区尚未建会"}), actor=COMMAND)
    task.refresh_from_db()
    assert (task.status, task.done_on) == ("in_progress", None)


def test_overdue_is_shown_not_stored(task):
    assert task.effective_status(dt.date(2027, 1, 1)) == "overdue"
    assert task.effective_status(dt.date(2026, 12, 31)) == "not_started"
    record_task_progress(task, clean_progress({"progress": "100", "note": "完成"}), actor=COMMAND)
    task.refresh_from_db()
    assert task.effective_status(dt.date(2027, 1, 1)) == "done"


def test_a_department_is_listed_once_per_board(world):
    add_department(world.city, "上海市人力资源和社会保障局", actor=COMMAND)
    with pytest.raises(ValidationError) as exc:
        add_department(world.city, "上海市人力资源和社会保障局", actor=COMMAND)
    assert codes(exc) == {"name": ["duplicate_department"]}
    department = add_department(world.district, "上海市人力资源和社会保障局", actor=COMMAND)  # another board may
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentTask.objects.create(department=department, title="x", progress=101)  # the database refuses too


@pytest.mark.parametrize(
    ("persona", "sees_city", "sees_district"),
    [("city", True, True), ("street", False, False), ("station", False, False), ("other_street", False, False)],
)
def test_a_board_is_seen_in_its_federation_scope(world, personas, persona, sees_city, sees_district):
    city = add_department_task(add_department(world.city, "市交通委", actor=COMMAND), clean_task({"title": "货车司机入会"}), actor=COMMAND)
    district = add_department_task(add_department(world.district, "区交通委", actor=COMMAND), clean_task({"title": "区内货运企业建会"}), actor=COMMAND)
    user = personas[persona]
    seen = set(department_tasks_in_scope(user).values_list("pk", flat=True))
    assert (city.pk in seen, district.pk in seen) == (sees_city, sees_district)
    assert departments_in_scope(user).filter(org=world.city).exists() is sees_city
    if not sees_city:
        from django.http import Http404

        with pytest.raises(Http404):
            department_task_in_scope(user, city.pk)
