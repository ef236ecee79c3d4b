from io import BytesIO

import pytest
from openpyxl import load_workbook

from gongyou.console.tests.conftest import join_worker
from gongyou.console.tests.test_members import rows_of
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, Org
from gongyou.core.services import create_org
from gongyou.members.models import FoundingTask, Membership, Transfer
from gongyou.members.transfers import cancel_transfer, request_transfer


@pytest.fixture
def street_client(client, personas):
    client.force_login(personas["street"])
    return client


def test_home_counts_the_scope_in_a_fixed_number_of_queries(street_client, console_data, django_assert_num_queries):
    # session, user, staff profile, its org (top bar), scope subquery-based counts: the scope's
    # size up to the exact-count bound (a city's million is counted per status instead), by status,
    # incoming transfers, open tasks, at risk, the city's root (people served reads the year's
    # roll-ups when the scope is the whole city), people served (total and by kind), the funding
    # panel's balances by source; plus the session's activity stamp.
    with django_assert_num_queries(16):
        response = street_client.get("/console/")
    ctx = response.context
    assert ctx["applied"] == 1
    assert ctx["incoming"] == 1
    assert ctx["open_tasks"] == 1
    # street member, applicant and the two employees in 徐家汇; the incoming member is still the other street's.
    assert ctx["member_total"] == 4


def test_home_for_the_other_street_counts_only_its_own(client, personas, console_data):
    client.force_login(personas["other_street"])
    ctx = client.get("/console/").context
    assert (ctx["applied"], ctx["incoming"], ctx["open_tasks"], ctx["member_total"]) == (0, 0, 0, 1)


LIST_PAGES = ("/console/members/", "/console/applications/", "/console/transfers/?status=all", "/console/tasks/?status=all",
              "/console/enterprises/", "/console/stations/", "/console/orgs/", "/console/audit/")


EXPORTS = ("/console/members/export/", "/console/applications/export/", "/console/transfers/export/?status=all",
           "/console/tasks/export/?status=all", "/console/enterprises/export/", "/console/stations/export/",
           "/console/orgs/export/", "/console/audit/export/")


def _query_counts(client, urls=LIST_PAGES):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/console/")  # the first request stamps the session's activity time (extra writes)
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code in (200, 403)
        counts[url] = len(ctx.captured_queries)
    return counts


def test_list_pages_do_not_grow_queries_with_rows(street_client, console_data):
    for seq in range(20, 23):
        join_worker(seq)
    before = _query_counts(street_client)
    for seq in range(23, 40):
        join_worker(seq)
    for seq in range(60, 64):
        other = join_worker(seq, street_code="310104004", industry="express")
        from gongyou.members.transfers import request_transfer

        request_transfer(other, console_data.transfer.to_org, initiator="member", actor=COMMAND)
    assert _query_counts(street_client) == before
    assert max(before.values()) <= 12


def test_exports_do_not_grow_queries_with_rows(street_client, console_data):
    # Exports walk every row with .iterator(): a related object read per row would show here.
    join_worker(20)
    before = _query_counts(street_client, EXPORTS)
    for seq in range(21, 30):
        join_worker(seq)
    for seq in range(60, 63):
        other = join_worker(seq, street_code="310104004", industry="express")
        from gongyou.members.transfers import request_transfer

        request_transfer(other, console_data.transfer.to_org, initiator="member", actor=COMMAND)
    assert _query_counts(street_client, EXPORTS) == before


def test_approve_reject_and_bulk_approve(street_client, console_data):
    more = [join_worker(40), join_worker(41)]
    no = console_data.applied.member_no
    response = street_client.post(f"/console/members/{no}/reject/", {"reason": ""}, follow=True)
    assert "请填写不予通过的理由" in response.content.decode()
    street_client.post(f"/console/members/{no}/approve/")
    assert Membership.objects.get(member_no=no).status == "active"
    street_client.post("/console/applications/approve/", {"ids": [m.pk for m in more]})
    assert set(Membership.objects.filter(pk__in=[m.pk for m in more]).values_list("status", flat=True)) == {"active"}
    other = join_worker(42)
    street_client.post(f"/console/members/{other.member_no}/reject/", {"reason": "不在本街道工作"})
    assert Membership.objects.get(pk=other.pk).status == "rejected"


def test_bulk_approve_ignores_applications_out_of_scope(client, personas, console_data):
    client.force_login(personas["other_street"])
    client.post("/console/applications/approve/", {"ids": [console_data.applied.pk]})
    assert Membership.objects.get(pk=console_data.applied.pk).status == "applied"


def test_the_receiving_side_accepts_and_the_member_moves(street_client, world, console_data):
    html = street_client.get("/console/transfers/?box=incoming").content.decode()
    assert console_data.other_member.person.name in html
    street_client.post(f"/console/transfers/{console_data.transfer.pk}/accept/", {"note": "欢迎"})
    membership = Membership.objects.get(pk=console_data.other_member.pk)
    assert membership.org == world.street_union_food and membership.status == "active"
    assert AuditLog.objects.filter(action="transfer.accept", actor__username="street").exists()


def test_bulk_accept_takes_the_ticked_incoming_transfers_and_reports_the_ones_that_fail(client, personas, world, console_data):
    from gongyou.members.transfers import accept_transfer, request_transfer

    def incoming(seq, to_org):
        member = join_worker(seq, street_code=world.other_street.code, industry="express")
        return request_transfer(member, to_org, initiator="member", actor=COMMAND)

    second = incoming(70, world.street_union_express)
    decided = accept_transfer(incoming(71, world.street_union_food), actor=COMMAND)
    # Outgoing from 徐家汇: the street officer sees it but the receiving side is not theirs.
    outgoing = request_transfer(console_data.street_member, world.other_street_union, initiator="member", actor=COMMAND)
    ids = [console_data.transfer.pk, second.pk, decided.pk, outgoing.pk]

    client.force_login(personas["viewer"])
    assert client.post("/console/transfers/accept/", {"ids": ids}).status_code == 403
    assert Transfer.objects.get(pk=second.pk).status == "pending"

    client.force_login(personas["street"])
    page = client.get("/console/transfers/?box=incoming").content.decode()
    assert f'name="ids" value="{second.pk}"' in page and "批量接收所选" in page
    html = client.post("/console/transfers/accept/", {"ids": ids}, follow=True).content.decode()
    statuses = dict(Transfer.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses[console_data.transfer.pk] == statuses[second.pk] == "accepted"
    assert statuses[outgoing.pk] == "pending"
    assert Membership.objects.get(pk=second.membership_id).org == world.street_union_express
    assert AuditLog.objects.filter(action="transfer.accept", actor__username="street").count() == 2
    assert "已接收 2 笔接转" in html
    assert f"1 笔接转未能接收：{decided.membership.person.name}：这笔接转已处理" in html


def test_the_outgoing_box_and_viewers_get_no_bulk_accept(client, personas, console_data):
    client.force_login(personas["street"])
    assert "批量接收所选" not in client.get("/console/transfers/?box=outgoing").content.decode()
    client.force_login(personas["viewer"])
    assert "批量接收所选" not in client.get("/console/transfers/?box=incoming").content.decode()


def test_rejecting_needs_a_note_and_keeps_the_member(street_client, world, console_data):
    url = f"/console/transfers/{console_data.transfer.pk}/reject/"
    street_client.post(url, {"note": ""})
    assert Transfer.objects.get(pk=console_data.transfer.pk).status == "pending"
    street_client.post(url, {"note": "不在本街道"})
    assert Transfer.objects.get(pk=console_data.transfer.pk).status == "rejected"
    assert Membership.objects.get(pk=console_data.other_member.pk).org == world.other_street_union


def test_the_sending_side_sees_it_as_outgoing_but_cannot_withdraw_the_members_application(client, personas, console_data):
    client.force_login(personas["other_street"])
    outgoing = client.get("/console/transfers/?box=outgoing").content.decode()
    assert console_data.other_member.member_no in outgoing
    assert "只有会员可以撤回" in outgoing and f"/console/transfers/{console_data.transfer.pk}/cancel/" not in outgoing
    assert console_data.other_member.member_no not in client.get("/console/transfers/?box=incoming").content.decode()
    client.post(f"/console/transfers/{console_data.transfer.pk}/cancel/")
    assert Transfer.objects.get(pk=console_data.transfer.pk).status == "pending"


def test_the_sending_side_withdraws_a_transfer_it_started(client, personas, world, console_data):
    cancel_transfer(console_data.transfer, by="member", actor=COMMAND)
    started = request_transfer(console_data.other_member, world.street_union_food, initiator="old_org", actor=COMMAND)
    client.force_login(personas["other_street"])
    outgoing = client.get("/console/transfers/?box=outgoing").content.decode()
    assert f"/console/transfers/{started.pk}/cancel/" in outgoing and "转出工会发起" in outgoing
    client.post(f"/console/transfers/{started.pk}/cancel/", {"note": "划转有误"})
    assert Transfer.objects.get(pk=started.pk).status == "cancelled"
    detail = client.get(f"/console/members/{console_data.other_member.member_no}/").content.decode()
    assert "转出工会发起组织关系接转" in detail and "转出工会撤回接转" in detail


def test_founding_the_union_lets_staff_bulk_transfer_the_individual_members(street_client, world, console_data):
    html = street_client.get(f"/console/tasks/{console_data.task.pk}/").content.decode()
    assert world.no_union_enterprise.name in html and "批量转入" not in html
    union = create_org(name="无工会快递有限公司工会", kind=Org.Kind.ENTERPRISE_UNION, region=world.street, parent=world.street_fed,
                       enterprise=world.no_union_enterprise, actor=COMMAND)
    assert FoundingTask.objects.get().status == "closed"
    html = street_client.get(f"/console/tasks/{console_data.task.pk}/").content.decode()
    assert "批量转入" in html
    page = street_client.get(f"/console/transfers/bulk/?enterprise={world.no_union_enterprise.pk}").content.decode()
    for m in console_data.employees:
        assert m.member_no in page
    street_client.post("/console/transfers/bulk/", {"enterprise": world.no_union_enterprise.pk, "ids": [m.pk for m in console_data.employees]})
    assert set(Membership.objects.filter(pk__in=[m.pk for m in console_data.employees]).values_list("org", flat=True)) == {union.pk}


def test_task_assignee_is_saved_and_audited(street_client, personas, console_data):
    street_client.post(f"/console/tasks/{console_data.task.pk}/", {"assignee": personas["street"].pk})
    assert FoundingTask.objects.get().assignee == personas["street"]
    assert AuditLog.objects.filter(action="founding_task.update").exists()


def test_task_follow_ups_from_two_officers_are_both_kept_newest_first(client, personas, world, console_data):
    url = f"/console/tasks/{console_data.task.pk}/"
    client.force_login(personas["street"])
    client.post(url, {"text": "电话约谈企业人事"})
    client.force_login(personas["city"])
    client.post(url, {"text": "上门宣讲建会政策"})
    response = client.post(url, {"text": "  "}, follow=True)
    assert "请填写跟进内容" in response.content.decode()
    html = client.get(url).content.decode()
    log = html[html.index('data-testid="follow-ups"'):]
    assert log.index("上门宣讲建会政策") < log.index("电话约谈企业人事")  # newest first, neither overwritten
    assert "工作人员 street" in log and "工作人员 city" in log
    assert console_data.task.follow_ups.count() == 2
    assert "上门宣讲建会政策" in client.get("/console/tasks/").content.decode()  # the list shows the latest
    assert AuditLog.objects.filter(action="founding_task.note", object_id=str(console_data.task.pk)).count() == 2
    rows = rows_of(client.get("/console/tasks/export/?status=all"))
    assert rows[0][-1] == "工作记录"
    cell = rows[1][-1]
    assert cell.index("上门宣讲建会政策") < cell.index("电话约谈企业人事") and "工作人员 street：电话约谈企业人事" in cell


def test_task_list_and_export_do_not_grow_queries_with_follow_ups(street_client, world, console_data):
    from gongyou.members.services import add_founding_task_note

    add_founding_task_note(console_data.task, "第一次约谈", actor=COMMAND)
    before = _query_counts(street_client, ("/console/tasks/?status=all", "/console/tasks/export/?status=all"))
    for i in range(3):
        closed = FoundingTask.objects.create(
            federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25, status="closed"
        )
        for j in range(3):
            add_founding_task_note(closed, f"记录{i}-{j}", actor=COMMAND)
    assert _query_counts(street_client, ("/console/tasks/?status=all", "/console/tasks/export/?status=all")) == before


def test_the_tree_shows_dual_management_both_ways(client, personas, world, console_data):
    client.force_login(personas["agent"])
    html = client.get("/console/orgs/").content.decode()
    assert world.station_union.name in html and "双重管理" in html
    client.force_login(personas["street"])
    html = client.get(f"/console/orgs/{world.street_union_food.pk}/children/").content.decode()
    assert world.station_union.name in html and world.agent_union.name in html


def test_staff_create_a_station_union_with_its_second_manager(street_client, world, console_data):
    response = street_client.post(
        f"/console/orgs/{world.street_union_express.pk}/create/",
        {"kind": "station_union", "name": "漕河泾站分工会", "station": world.bare_station.pk, "second_manager": world.agent_union.pk},
    )
    org = Org.objects.get(name="漕河泾站分工会")
    assert response["Location"] == f"/console/orgs/{org.pk}/"
    assert org.parent == world.street_union_express and org.second_manager == world.agent_union
    html = street_client.get("/console/stations/?union=yes").content.decode()
    assert "漕河泾站分工会" in html


def test_approval_mode_is_switched(street_client, world, console_data):
    street_client.post(f"/console/orgs/{world.street_union_express.pk}/approval/", {"approval_required": "1"})
    assert Org.objects.get(pk=world.street_union_express.pk).approval_required


def test_enterprise_list_shows_union_coverage_and_exports(street_client, world, console_data):
    html = street_client.get("/console/enterprises/?union=no").content.decode()
    assert world.no_union_enterprise.name in html and world.platform.name not in html
    rows = [list(r) for r in load_workbook(BytesIO(street_client.get("/console/enterprises/export/").content)).active.iter_rows(values_only=True)]
    unions = {r[0]: r[-1] for r in rows[1:]}
    assert unions[world.no_union_enterprise.name] == "未建会"
    assert unions[world.platform.name] == world.platform_union.name


def test_audit_viewer_is_for_admins_and_scoped(client, world, personas, console_data, django_user_model):
    from gongyou.console import security
    from gongyou.core.models import StaffProfile
    from gongyou.core.services import create_staff

    admin = create_staff(username="other_admin", password="x" * 12, org=world.other_street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND)
    client.force_login(admin)
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    html = client.get("/console/audit/").content.decode()
    assert "transfer.request" in html  # the other street's outgoing transfer
    assert "membership.join" in html
    street_pks = {str(console_data.street_member.pk), str(console_data.applied.pk)}
    visible = {row.object_id for row in client.get("/console/audit/?action=membership.join").context["rows"]}
    assert not visible & street_pks
    response = client.get("/console/audit/export/?action=membership")
    assert response.status_code == 200


def test_org_and_station_pages_link_to_the_portal_qr_downloads(street_client, world, console_data):
    html = street_client.get(f"/console/orgs/{world.station_union.pk}/").content.decode()
    assert f"/join/qr/org/{world.station_union.pk}.pdf" in html
    html = street_client.get("/console/stations/").content.decode()
    assert f"/join/qr/station/{world.station.pk}.png" in html
    assert street_client.get(f"/join/qr/station/{world.station.pk}.png").status_code == 200
