from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gongyou.console import services
from gongyou.console.models import RosterImport
from gongyou.console.roster_io import COLUMNS
from gongyou.core.models import AuditLog, BackgroundJob
from gongyou.core.testing import make_id_number, make_phone
from gongyou.members.models import RosterEntry


def xlsx(rows, header=COLUMNS):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


def good(seq):
    return [f"E{seq}", f"骑手{seq}", make_id_number(seq), int(make_phone(seq)), "310104014", "ST-001", "independent", "food_delivery", "是"]


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def upload(client, rows, **kw):
    response = client.post("/console/roster/upload/", {"file": xlsx(rows, **kw)})
    return response, RosterImport.objects.order_by("-id").first()


def test_the_template_has_the_roster_columns_and_a_chinese_explanation(street_client, world):
    book = load_workbook(BytesIO(street_client.get("/console/roster/template/").content))
    assert [c.value for c in book.worksheets[0][1]] == list(COLUMNS)
    explanation = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert explanation[0][:2] == ["列名", "中文名称"]
    assert explanation[3][:2] == ["id_number", "身份证号码"]


def test_upload_previews_with_counts_and_stores_nothing_in_plaintext(street_client, world):
    bad = good(3)
    bad[2] = bad[2][:-1] + ("0" if bad[2][-1] != "0" else "1")
    response, staged = upload(street_client, [good(1), good(2), bad])
    assert response["Location"] == f"/console/roster/{staged.pk}/"
    assert (staged.total, staged.valid_count, staged.invalid_count) == (3, 2, 1)
    assert make_id_number(1) not in staged.payload_enc and make_id_number(1) not in str(staged.preview)
    html = street_client.get(f"/console/roster/{staged.pk}/").content.decode()
    assert "校验位不正确" in html and make_id_number(1) not in html
    assert RosterEntry.objects.count() == 0


def test_import_runs_in_chunks_and_reports_rejected_rows(street_client, world, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    bad = good(4)
    bad[4] = "999999999"
    _, staged = upload(street_client, [good(1), good(2), good(1), bad, good(5)])
    reads = []
    read_file = services._file_rows
    monkeypatch.setattr(services, "_file_rows", lambda s: reads.append(s.pk) or read_file(s))
    street_client.post(f"/console/roster/{staged.pk}/", {"enterprise": world.agent.pk})
    # A background job imports it (here at once: tests run jobs inside the request), 3 chunks,
    # from one decryption of the staged file (not one per chunk).
    job = BackgroundJob.objects.get(key=f"roster_import:{staged.pk}")
    assert (job.status, job.done, job.total, job.attempts) == ("succeeded", 5, 5, 1)
    assert reads == [staged.pk]
    assert AuditLog.objects.filter(action="roster_import.finish").count() == 1
    response = street_client.get(f"/console/roster/{staged.pk}/progress/")
    staged.refresh_from_db()
    assert staged.created == 3 and staged.payload_enc == ""
    assert RosterEntry.objects.filter(enterprise=world.agent).count() == 3
    html = response.content.decode()
    assert "找不到这个街镇代码" in html and "重复" in html
    rows = [list(r) for r in load_workbook(BytesIO(street_client.get(f"/console/roster/{staged.pk}/rejected/").content)).active.iter_rows(values_only=True)]
    # The error file is the uploaded file's rows (its header and cells) plus the reason.
    assert rows[0] == [*COLUMNS, "未导入原因"]
    assert [r[0] for r in rows[1:]] == ["E1", "E4"]
    assert rows[2][4] == "999999999" and rows[2][2] == make_id_number(4)
    assert rows[1][-1].startswith("外部编号：与第2行重复") and rows[2][-1].startswith("工作街镇代码：")
    assert AuditLog.objects.filter(action="roster_import.finish").exists()


def test_a_file_without_the_roster_columns_is_refused(street_client, world):
    response = street_client.post("/console/roster/upload/", {"file": xlsx([["a"]], header=["foo"])}, follow=True)
    assert "没有找到表头行" in response.content.decode()
    response = street_client.post("/console/roster/upload/", {"file": SimpleUploadedFile("x.xlsx", b"not excel")}, follow=True)
    assert "无法读取" in response.content.decode()


def test_imports_are_private_to_the_uploader(client, personas, world):
    client.force_login(personas["street"])
    _, staged = upload(client, [good(1)])
    client.force_login(personas["city"])
    assert client.get(f"/console/roster/{staged.pk}/").status_code == 404


def test_only_enterprises_in_scope_can_receive_the_roster(client, personas, world):
    client.force_login(personas["other_street"])
    _, staged = upload(client, [good(1)])
    client.post(f"/console/roster/{staged.pk}/", {"enterprise": world.agent.pk})
    assert RosterImport.objects.get(pk=staged.pk).status == "preview"


def test_an_import_started_before_workers_ran_imports_gets_its_job_when_its_page_is_opened(street_client, world):
    _, staged = upload(street_client, [good(1), good(2)])
    RosterImport.objects.filter(pk=staged.pk).update(status="running", enterprise=world.agent)  # no job yet
    street_client.get(f"/console/roster/{staged.pk}/progress/")
    staged.refresh_from_db()
    assert staged.status == "done" and staged.created == 2
    assert BackgroundJob.objects.filter(key=f"roster_import:{staged.pk}", status="succeeded").count() == 1
