"""The insurer's status import (each bad row named with its file row, the good rows applied) and
the plan's incident reports (masked, exported); only the organiser's side imports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongyou.benefits.inputs import clean_plan
from gongyou.benefits.insurance import create_plan, enrol_member, report_incident, set_plan_status
from gongyou.benefits.models import Enrolment
from gongyou.benefits.tests.test_services_and_served import plan_data, roster
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.crypto import mask_name


@pytest.fixture
def logged_in(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


@pytest.fixture
def enrolled(world, make_member):
    plan = set_plan_status(
        create_plan(clean_plan(plan_data()), org=world.street_fed, actor=COMMAND), "open", actor=COMMAND
    )
    out = []
    for seq in (1, 2):
        member = make_member(seq)
        roster(world, member, seq)
        out.append(enrol_member(plan, member, channel="staff", actor=COMMAND))
    return plan, out


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("insurer.xlsx", data.getvalue())


def test_the_insurer_file_updates_good_rows_and_names_bad_ones(logged_in, enrolled):
    plan, (a, b) = enrolled
    upload = xlsx(
        [
            ["投保编号", "承保状态", "保单号"],
            [a.pk, "已承保", "P-001"],
            [999999, "已承保", "P-002"],
            [b.pk, "不知道", ""],
        ]
    )
    response = logged_in("street").post(f"/console/insurance/{plan.pk}/insurer-import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "已更新 1 条投保记录" in html
    assert "<td>3</td>" in html and "这个方案里没有这个投保编号" in html
    assert "<td>4</td>" in html and "承保状态应为“已承保”或“拒保”" in html
    assert [(e.insurer_status, e.policy_no) for e in Enrolment.objects.order_by("pk")] == [
        ("accepted", "P-001"),
        ("pending", ""),
    ]


def test_a_file_without_the_columns_is_refused(logged_in, enrolled):
    plan, _ = enrolled
    upload = SimpleUploadedFile("insurer.csv", "编号,状态\n1,已承保\n".encode())
    response = logged_in("street").post(f"/console/insurance/{plan.pk}/insurer-import/", {"file": upload})
    assert response.status_code == 400 and "投保编号" in response.content.decode()


def test_only_the_organisers_side_imports(logged_in, enrolled):
    plan, _ = enrolled
    assert logged_in("station").get(f"/console/insurance/{plan.pk}/insurer-import/").status_code == 403
    assert logged_in("other_street").get(f"/console/insurance/{plan.pk}/insurer-import/").status_code == 404
    upload = xlsx([["投保编号", "承保状态"], [enrolled[1][0].pk, "拒保"]])
    assert (
        logged_in("viewer").post(f"/console/insurance/{plan.pk}/insurer-import/", {"file": upload}).status_code == 403
    )
    assert not Enrolment.objects.exclude(insurer_status="pending").exists()


def test_incident_reports_are_listed_masked_and_exported(logged_in, enrolled, django_assert_max_num_queries):
    plan, (a, _b) = enrolled
    report_incident(a, occurred_at=timezone.now(), place="漕溪北路", description="送餐途中摔伤", actor=Actor.worker())
    client = logged_in("street")
    with django_assert_max_num_queries(12):
        html = client.get(f"/console/insurance/{plan.pk}/incidents/").content.decode()
    assert "漕溪北路" in html and mask_name(a.person.name) in html and a.person.name not in html
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(client.get(f"/console/insurance/{plan.pk}/incidents/export/").content)
        ).active.iter_rows(min_row=2, values_only=True)
    )
    assert [(r[1], r[2], r[5]) for r in rows] == [(a.pk, a.membership.member_no, "漕溪北路")]
    assert logged_in("other_street").get(f"/console/insurance/{plan.pk}/incidents/").status_code == 404
