"""The gap list and the market-registry upload in the console."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gongyou.core.testing import make_uscc
from gongyou.insight.models import RegistryImport
from gongyou.insight.tests.conftest import registered
from gongyou.members.models import FoundingTask

HEADER = "统一社会信用代码,企业名称,法定代表人,行业代码,住所,登记机关,登记状态,成立日期"


def extract(*rows: str) -> io.BytesIO:
    data = io.BytesIO(("\n".join(["上海市徐汇区市场主体登记信息", HEADER, *rows]) + "\n").encode("utf-8"))
    data.name = "extract.csv"
    return data


def good(seq: int, code: str = "6020") -> str:
    return f"{make_uscc(700 + seq)},快递{seq}有限公司,李四,{code},上海市徐汇区徐家汇街道某路{seq}号,上海市徐汇区市场监督管理局,存续,2021-01-02"


@pytest.fixture
def district_client(client, world, passed_second_factor):
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import create_staff

    user = create_staff(username="district", password="x" * 12, org=world.district, role="officer", actor=COMMAND)
    client.force_login(user)
    return client


def test_a_district_officer_uploads_an_extract_and_sees_what_changed(district_client, world):
    response = district_client.post(
        "/console/registry/", {"file": extract(good(1), good(2), "123,坏代码,,6020,,,存续,")}
    )
    record = RegistryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/registry/{record.pk}/"
    page = district_client.get(response["Location"]).content.decode()
    assert "created=2 updated=0 unchanged=0 rejected=1" in page
    assert "统一社会信用代码应为18位" in page
    sheet = load_workbook(io.BytesIO(district_client.get(f"/console/registry/{record.pk}/rejected/").content)).active
    assert [c.value for c in list(sheet.iter_rows())[1]][:4] == [5, "123", "uscc", "uscc_wrong_length"]
    # …and the new enterprises are on the gap list, ready for founding tasks.
    gaps = district_client.get("/console/gaps/").content.decode()
    assert "快递1有限公司" in gaps and "快递2有限公司" in gaps


def test_an_upload_that_is_no_extract_says_why_and_records_nothing(district_client):
    data = io.BytesIO(b"a,b\n1,2\n")
    data.name = "x.csv"
    response = district_client.post("/console/registry/", {"file": data}, follow=True)
    assert "找不到表头" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_an_import_is_private_to_its_uploader(district_client, client, personas, world, passed_second_factor):
    district_client.post("/console/registry/", {"file": extract(good(1))})
    record = RegistryImport.objects.get()
    client.force_login(personas["city"])
    assert client.get(f"/console/registry/{record.pk}/").status_code == 404
    assert client.get(f"/console/registry/{record.pk}/rejected/").status_code == 404


def test_street_officers_and_viewers_cannot_upload(client, personas):
    for who in ("street", "viewer"):
        client.force_login(personas[who])
        assert client.post("/console/registry/", {"file": extract(good(1))}).status_code == 403
    assert not RegistryImport.objects.exists()


def test_opening_founding_tasks_from_the_gap_list_counts_only_the_callers_rows(client, world, personas):
    mine, theirs = registered(1), registered(2, street="310104004")
    client.force_login(personas["street"])
    response = client.post("/console/gaps/found/", {"enterprise": [mine.pk, theirs.pk]})
    assert response.status_code == 302 and response["Location"] == "/console/tasks/"
    assert list(FoundingTask.objects.values_list("enterprise", "federation")) == [(mine.pk, world.street_fed.pk)]


def test_the_gap_list_runs_a_fixed_number_of_queries(client, world, personas, django_assert_max_num_queries):
    for i in range(12):
        registered(i, head=i % 3 == 0)
    client.force_login(personas["city"])
    with django_assert_max_num_queries(14):
        response = client.get("/console/gaps/")
    assert response.content.decode().count('name="enterprise"') == 13  # 12 + the world's unionless one


def test_the_gap_export_lists_the_filtered_rows(client, world, personas):
    registered(1)
    client.force_login(personas["city"])
    sheet = load_workbook(
        io.BytesIO(client.get("/console/gaps/export/?street=310104014&industry=express").content)
    ).active
    names = [row[0].value for row in list(sheet.iter_rows())[1:]]
    assert "登记企业1" in names and "示例外卖平台有限公司" not in names


def test_an_enterprise_with_only_a_district_shows_and_exports_in_the_enterprise_pages(client, world, personas):
    e = registered(1, street=None)
    client.force_login(personas["city"])
    assert "徐汇区" in client.get(f"/console/enterprises/{e.pk}/").content.decode()
    assert "登记企业1" in client.get("/console/enterprises/?q=登记企业1").content.decode()
    sheet = load_workbook(io.BytesIO(client.get("/console/enterprises/export/?q=登记企业1").content)).active
    assert [c.value for c in list(sheet.iter_rows())[1]][3] == "徐汇区"


def test_an_officer_merges_a_union_into_another_and_cannot_dissolve_their_own(client, world, personas):
    from gongyou.console.tests.conftest import join_worker
    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Org
    from gongyou.members.dissolution import dissolve_org
    from gongyou.members.models import Membership

    member = join_worker(850)
    dissolve_org(world.station_union, actor=COMMAND, reason="站点关闭")
    client.force_login(personas["street"])
    response = client.post(f"/console/orgs/{world.street_union_food.pk}/dissolve/",
                           {"action": "merge", "to_org": world.street_union_express.pk, "reason": "合并"})
    assert response.status_code == 302
    assert Org.objects.get(pk=world.street_union_food.pk).status == "dissolved"
    assert Membership.objects.get(pk=member.pk).org_id == world.street_union_express.pk
    # Out-of-scope target: not found.
    assert client.post(f"/console/orgs/{world.street_union_express.pk}/dissolve/",
                       {"to_org": world.other_street_union.pk}).status_code == 404
    assert client.post(f"/console/orgs/{world.street_fed.pk}/dissolve/", {}).status_code == 403
