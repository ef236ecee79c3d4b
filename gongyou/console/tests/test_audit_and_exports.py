"""Exports keep typed text as text, the audit viewer and its export read in words, and the org
page makes campaign QR codes."""

from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from gongyou.console import security
from gongyou.core.actors import COMMAND
from gongyou.core.models import StaffProfile
from gongyou.core.services import create_staff
from gongyou.members import join_links as qr
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.transfers import accept_transfer, request_transfer

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


@pytest.fixture
def admin_client(client, world):
    admin = create_staff(username="street_admin", password="x" * 12, org=world.street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND)
    client.force_login(admin)
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    return client


def cells(response):
    book = load_workbook(BytesIO(response.content))
    return [cell for row in book.active.iter_rows() for cell in row]


def test_a_reason_typed_as_a_formula_is_exported_as_text(street_client, world, console_data):
    member = console_data.street_member
    request_transfer(member, world.other_street_union, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason=FORMULA)
    response = street_client.get("/console/transfers/export/", {"box": "outgoing", "status": "all"})
    matching = [c for c in cells(response) if c.value == FORMULA]
    assert matching, "the reason is in the export"
    assert all(c.data_type == "s" for c in matching)


def test_the_audit_viewer_names_actions_objects_and_changes_in_chinese(admin_client, console_data):
    html = admin_client.get("/console/audit/", {"action": "membership.approved"}).content.decode()
    assert ">members.membership" not in html
    html = admin_client.get("/console/audit/").content.decode()
    assert "会籍 GY" in html  # object type in words, then the member
    assert "入会需审批=是" in html  # set_approval_mode: field name and boolean in words
    assert "approval_required=True" not in html
    assert '<option value="membership.join">入会</option>' in html


def test_the_audit_log_finds_a_member_by_member_number(admin_client, world, console_data):
    member = console_data.street_member
    request_transfer(member, world.other_street_union, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="搬家")
    rows = admin_client.get("/console/audit/", {"object_id": member.member_no.lower()}).context["rows"]
    kinds = {(row.object_type, row.action) for row in rows}
    assert ("members.membership", "membership.join") in kinds
    assert ("members.transfer", "transfer.request") in kinds
    assert {row.object_id for row in rows if row.object_type == "members.membership"} == {str(member.pk)}


def test_the_audit_export_is_in_words(admin_client, console_data):
    response = admin_client.get("/console/audit/export/", {"action": "org.set_approval"})
    book = load_workbook(BytesIO(response.content))
    header, *rows = list(book.active.iter_rows(values_only=True))
    assert header[:6] == ("时间", "经办", "操作", "对象类型", "对象", "对象编号")
    assert rows and rows[0][1] == "系统命令" and rows[0][2] == "设置入会审批" and rows[0][3] == "工会组织"
    assert "入会需审批" in rows[0][8]


def test_the_org_page_makes_campaign_qr_codes_that_record_the_campaign(street_client, world, console_data):
    html = street_client.get(f"/console/orgs/{world.street_union_food.pk}/", {"campaign": " 夏季入会周 ", "days": "30"}).content
    links = [line for line in html.decode().split('"') if line.startswith(f"/join/qr/org/{world.street_union_food.pk}.txt")]
    assert links, "the link download carries the options"
    query = parse_qs(urlparse(links[0].replace("&amp;", "&")).query)
    assert query == {"campaign": ["夏季入会周"], "days": ["30"]}
    url = street_client.get(links[0].replace("&amp;", "&")).content.decode()
    context = qr.read_join_token(parse_qs(urlparse(url).query)["t"][0])
    assert context.campaign == "夏季入会周" and context.org == world.street_union_food
    assert 29 <= (context.expires_at.date() - Membership.objects.first().applied_at.date()).days <= 31


def test_a_bad_validity_is_left_out_of_the_links_and_refused_in_words(street_client, world, console_data):
    html = street_client.get(f"/console/orgs/{world.street_union_food.pk}/", {"days": "abc"}).content.decode()
    assert f"/join/qr/org/{world.street_union_food.pk}.pdf\"" in html  # the default validity
    response = street_client.get(f"/join/qr/org/{world.street_union_food.pk}.png", {"days": "abc"})
    assert response.status_code == 400 and "有效天数" in response.content.decode()


@pytest.fixture
def superuser_client(client, world, django_user_model):
    # Entries without an org (enterprise/station records) are only visible to superusers.
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    return client


def _page_queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/console/audit/", params)
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def test_the_audit_viewer_names_referenced_orgs_enterprises_and_stations_in_one_query(superuser_client, world, console_data):
    admin_client = superuser_client
    assert len(admin_client.get("/console/audit/").context["rows"]) > 20  # also settles the session's writes
    accept_transfer(console_data.transfer, actor=COMMAND)
    request_transfer(console_data.street_member, world.other_street_union, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="搬家")
    other, food = world.other_street_union.name, world.street_union_food.name
    few_html, few = _page_queries(admin_client, {"action": "transfer."})
    assert f"转出={food}" in few_html and f"转入={other}" in few_html
    assert f"工会组织={other} → 工会组织={food}" in few_html
    assert f"工会组织={world.other_street_union.pk}" not in few_html
    html, many = _page_queries(admin_client, {})
    assert "企业=示例配送代理有限公司" in html and "街镇=徐家汇街道" in html  # station.create
    assert f"站点={world.station.name}" in html and "上级=徐家汇街道外卖行业工会" in html  # org.create
    assert "上级=示例外卖平台有限公司" in html  # enterprise.create: an enterprise's parent is an enterprise
    # Dozens of rows naming orgs, enterprises, stations and streets cost what two rows cost.
    assert len(many) == len(few)
    assert sum("UNION" in sql.upper() for sql in many) == 1


def test_the_audit_export_names_referenced_orgs(admin_client, world, console_data):
    accept_transfer(console_data.transfer, actor=COMMAND)
    response = admin_client.get("/console/audit/export/", {"action": "transfer.accept"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    assert rows[0][8] == f"工会组织={world.other_street_union.name} → 工会组织={world.street_union_food.name}"


def _named_entries(world, console_data, personas):
    """A check-in by the street member, an assignee for the founding task, a transfer request:
    entries whose ids (membership, position, user) used to show raw."""
    from gongyou.members.services import update_founding_task
    from gongyou.positions.inputs import clean_position
    from gongyou.positions.services import create_position, record_checkin
    from gongyou.positions.tests.conftest import position_data

    member = console_data.street_member
    streets = {world.street.code: world.street}
    position = create_position(
        clean_position(position_data(world.street_fed, world.street), orgs={str(world.street_fed.pk): world.street_fed}, streets=streets),
        actor=COMMAND,
    )
    record_checkin(position, membership=member, actor=COMMAND)
    update_founding_task(console_data.task, assignee_id=personas["street"].pk, actor=COMMAND)
    request_transfer(member, world.other_street_union, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="搬家")
    return member, position


def test_the_audit_viewer_names_members_positions_and_assignees(superuser_client, world, personas, console_data):
    member, position = _named_entries(world, console_data, personas)
    who = f"{member.member_no} 测***"  # member number and masked name (测试1号)
    html = superuser_client.get("/console/audit/", {"object_id": member.member_no}).content.decode()
    assert f"会籍 {who}" in html and f"接转 {who}" in html  # the objects, not "会籍 #199"
    assert f"会籍={who}" in html  # transfer.request's membership id
    assert "测试1号" not in html  # never the full name
    _html, few = _page_queries(superuser_client, {"action": "transfer.request"})
    html, many = _page_queries(superuser_client, {})
    assert f"服务阵地={position.name}" in html and f"会籍={who}" in html  # position.checkin
    assert f"负责人={personas['street'].username}" in html  # founding_task.update
    assert f"建会任务 {world.no_union_enterprise.name}" in html
    assert f"服务阵地={position.pk}" not in html and f"会籍={member.pk}" not in html
    # Every row of a full page named by the same single UNION query as a page of a few rows.
    assert len(many) == len(few)
    assert sum("UNION" in sql.upper() for sql in many) == 1


def test_the_audit_export_names_the_member(admin_client, world, personas, console_data):
    member, _position = _named_entries(world, console_data, personas)
    response = admin_client.get("/console/audit/export/", {"action": "transfer.request"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    mine = [row for row in rows if row[4] == f"{member.member_no} 测***"]
    assert mine and f"会籍={member.member_no} 测***" in mine[0][8]
    assert mine[0][5] == str(console_data.street_member.transfers.first().pk)


def test_exports_survive_control_characters_stored_in_a_name(street_client, world, console_data):
    # Stored before input validation refused them: the member and transfer exports of every
    # scope above the member must still download.
    member = console_data.street_member
    # PostgreSQL text cannot hold NUL at all; SQLite can, so it is tried there.
    nul = "\x00" if connection.vendor == "sqlite" else "\x0b"
    Person.objects.filter(pk=member.person_id).update(name=f"张\x1b[31m{nul}三")
    request_transfer(member, world.other_street_union, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="搬\x07家")
    for url, params in (("/console/members/export/", {}), ("/console/transfers/export/", {"box": "outgoing", "status": "all"})):
        response = street_client.get(url, params)
        assert response.status_code == 200, url
        assert any(c.value == "搬家" or (isinstance(c.value, str) and "[31m" in c.value) for c in cells(response))
