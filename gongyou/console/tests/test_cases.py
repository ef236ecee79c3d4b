"""The cases pages: filters, export, recording a case for a worker (with a file), the case page
with its steps and history, hardship review, the warnings board; lists cost a fixed number of
queries."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongyou.cases.inputs import clean_case
from gongyou.cases.models import Case, CaseAttachment, HardshipRelief
from gongyou.cases.services import submit_case
from gongyou.core.actors import COMMAND

JPEG = b"\xff\xd8\xff\xe0" + b"x" * 300


@pytest.fixture
def logged_in(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


def make(world, **overrides):
    data = {"type": "complaint", "name": "王五", "phone": "13800138000", "title": "扣款", "description": "超时扣款",
            "station_code": world.station.code, **overrides}
    return submit_case(clean_case(data), channel="staff", actor=COMMAND)


def test_the_list_filters_and_exports_at_a_fixed_query_cost(world, logged_in, django_assert_max_num_queries):
    make(world)
    client = logged_in("street")
    with django_assert_max_num_queries(14) as few:
        client.get("/console/cases/")
    for n in range(6):
        make(world, type="dispute", title=f"争议{n}", workers_involved=40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/console/cases/").content.decode()
    assert "争议5" in html and "data-testid=\"case-alerts\"" in html
    client.post("/console/cases/alerts/read/")  # the inbox names the cases too: empty it first
    assert "争议5" in client.get("/console/cases/?type=dispute&warning=red").content.decode()
    assert "争议5" not in client.get("/console/cases/?type=complaint").content.decode()
    assert "扣款" not in client.get("/console/cases/?overdue=1").content.decode()
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get("/console/cases/export/?type=dispute").content)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 and {r[12] for r in rows} == {"红色"}
    with django_assert_max_num_queries(14):
        assert "单个诉求" in client.get("/console/cases/warnings/").content.decode()


def test_an_officer_records_a_case_with_a_photo_and_handles_it(world, logged_in, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = logged_in("street")
    photo = SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")
    response = client.post("/console/cases/new/", {
        "type": "legal_aid", "name": "刘七", "phone": "13912345678", "title": "工伤认定", "description": "送餐摔伤",
        "station_code": world.station.code, "amount_yuan": "1234.50", "files": [photo],
    })  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.amount_fen == 123450 and case.origin_org == world.street_fed and case.channel == "staff"
    attachment = CaseAttachment.objects.get(case=case)
    assert client.get(f"/console/cases/{case.case_no}/files/{attachment.pk}/").content == JPEG
    for action in ("accept", "start"):
        client.post(f"/console/cases/{case.case_no}/action/", {"action": action})
    client.post(f"/console/cases/{case.case_no}/action/", {"action": "resolve", "note": "已协助申请工伤认定"})
    page = client.get(f"/console/cases/{case.case_no}/").content.decode()
    assert "已协助申请工伤认定" in page and "13912345678" not in page and "139****5678" in page
    case.refresh_from_db()
    assert case.status == "resolved"


def test_a_refused_file_records_nothing(world, logged_in, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    bad = SimpleUploadedFile("x.jpg", b"MZ not a photo", content_type="image/jpeg")
    response = logged_in("street").post("/console/cases/new/", {
        "type": "opinion", "name": "刘七", "phone": "13912345678", "title": "建议", "description": "多设驿站", "files": [bad],
    })  # fmt: skip
    assert response.status_code == 400 and "JPEG" in response.content.decode()
    assert not Case.objects.exists() and not (tmp_path / "case_files").exists()


def test_hardship_review_and_payment(world, logged_in):
    case = make(world, type="hardship", amount_fen=500000)
    client = logged_in("street")
    client.post(f"/console/cases/{case.case_no}/hardship/", {"decision": "approved", "amount_granted_yuan": "3000", "note": "符合条件"})
    client.post(f"/console/cases/{case.case_no}/hardship/", {"paid_on": "2026-11-20"})
    relief = HardshipRelief.objects.get(case=case)
    assert (relief.decision, relief.amount_granted_fen, str(relief.paid_on)) == ("approved", 300000, "2026-11-20")
    assert "救助金已于 2026-11-20 发放" in client.get(f"/console/cases/{case.case_no}/").content.decode()
