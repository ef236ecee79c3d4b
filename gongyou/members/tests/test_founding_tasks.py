"""The 25 rule (seed §二(一)3): 个体入会职工达到25人以上的单位直接建立工会."""

import pytest
from django.db import models

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Org
from gongyou.core.services import create_org
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import FoundingTask, Membership
from gongyou.members.services import individual_members, join
from gongyou.members.transfers import bulk_transfer


def join_employee_of(world, seq, **kw):
    data = worker_data(seq, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express", **kw)
    return join(clean_worker(data), channel="online", actor=Actor.worker()).membership


def test_twenty_four_members_open_no_task(world):
    for seq in range(24):
        join_employee_of(world, seq)
    assert FoundingTask.objects.count() == 0


def test_twenty_fifth_member_opens_exactly_one_task_for_the_street_federation(world):
    for seq in range(27):
        join_employee_of(world, seq)
    task = FoundingTask.objects.get()
    assert task.federation == world.street_fed
    assert task.enterprise == world.no_union_enterprise
    assert task.status == "open"
    assert task.member_count == 27


def test_members_in_another_street_do_not_count(world):
    for seq in range(20):
        join_employee_of(world, seq)
    for seq in range(20, 30):
        join_employee_of(world, seq, street_code=world.other_street.code)
    assert FoundingTask.objects.count() == 0


def test_founding_the_union_closes_the_task_and_bulk_transfer_moves_members(world):
    for seq in range(25):
        join_employee_of(world, seq)
    task = FoundingTask.objects.get()
    union = create_org(
        name="无工会快递有限公司工会", kind=Org.Kind.ENTERPRISE_UNION, region=world.street,
        parent=world.street_fed, enterprise=world.no_union_enterprise, actor=COMMAND,
    )
    task.refresh_from_db()
    assert task.status == "closed" and task.founded_union == union
    members = list(individual_members(world.no_union_enterprise, world.street))
    assert len(members) == 25
    transfers = bulk_transfer(members, union, actor=COMMAND, reason="企业建会，个体会员转入")
    assert len(transfers) == 25
    assert Membership.objects.filter(org=union, status="active").count() == 25
    assert individual_members(world.no_union_enterprise).count() == 25  # still individual mode, now in own union
    # New employees now join the enterprise union directly, and no new task opens.
    m = join_employee_of(world, 99)
    assert m.org == union and m.mode == "employer"
    assert FoundingTask.objects.filter(status="open").count() == 0


def test_task_assignee_can_be_set_and_cleared(world, personas):
    from gongyou.members.services import update_founding_task

    task = FoundingTask.objects.create(federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25)
    task = update_founding_task(task, actor=COMMAND, assignee_id=personas["street"].pk)
    assert task.assignee == personas["street"]
    task = update_founding_task(task, actor=COMMAND)
    assert task.assignee == personas["street"]
    task = update_founding_task(task, actor=COMMAND, assignee_id=None)
    assert task.assignee is None


def test_follow_up_notes_are_appended_never_overwritten_and_audited(world, personas):
    from django.core.exceptions import ValidationError

    from gongyou.core.models import AuditLog
    from gongyou.members.services import add_founding_task_note

    task = FoundingTask.objects.create(federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25)
    add_founding_task_note(task, " 电话约谈企业人事 ", actor=Actor.staff(personas["street"]))
    add_founding_task_note(task, "上门宣讲建会政策", actor=Actor.staff(personas["city"]))
    notes = list(task.follow_ups.all())
    assert [n.text for n in notes] == ["上门宣讲建会政策", "电话约谈企业人事"]  # newest first, both kept
    assert notes[0].author == personas["city"] and notes[1].author_label == "staff:street"
    assert notes[0].at >= notes[1].at
    entries = AuditLog.objects.filter(action="founding_task.note", object_id=str(task.pk)).order_by("id")
    assert [e.after["text"] for e in entries] == ["电话约谈企业人事", "上门宣讲建会政策"]
    assert {e.org_id for e in entries} == {world.street_fed.pk}
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            add_founding_task_note(task, empty, actor=COMMAND)
        assert exc.value.error_dict["text"][0].code == "required"
    assert task.follow_ups.count() == 2


def test_the_migration_keeps_old_notes_as_the_first_follow_up(world):
    import importlib

    from django.apps import apps

    task = FoundingTask.objects.create(federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25)

    class OldTask:
        objects = FoundingTask.objects.annotate(notes=models.Value("已约谈企业"))

    migration = importlib.import_module("gongyou.members.migrations.0008_copy_task_notes_into_follow_up_log")
    historical = type("Apps", (), {"get_model": staticmethod(lambda app, name: OldTask if name == "FoundingTask" else apps.get_model(app, name))})
    migration.copy_notes(historical, None)
    assert [(n.text, n.author_label) for n in task.follow_ups.all()] == [("已约谈企业", "system")]
