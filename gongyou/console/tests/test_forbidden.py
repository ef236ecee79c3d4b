"""The 403 page names the one rule that refused the request, not every rule there is."""

import pytest

REASONS = {
    "admin": "审计日志只有管理员可以查看。",
    "viewer": "只读账号只能查看，不能修改。",
    "cancel": "只有发起方可以撤回这笔接转。",
    "decide": "只有接收方可以接收或退回这笔接转。",
    "not_staff": "这个账号没有工作台权限",
}


def _reason_of(response):
    assert response.status_code == 403
    html = response.content.decode()
    shown = {key for key, text in REASONS.items() if text in html}
    assert "<li>" not in html.split('data-testid="forbidden"')[1]  # one sentence, no list of rules
    return shown


@pytest.mark.parametrize("url", ["/console/audit/", "/console/audit/export/"])
def test_street_staff_opening_the_audit_log_are_told_it_is_for_admins(client, personas, url):
    client.force_login(personas["street"])
    assert _reason_of(client.get(url)) == {"admin"}


def test_a_viewer_writing_is_told_the_account_is_read_only(client, personas, console_data):
    client.force_login(personas["viewer"])
    response = client.post(f"/console/members/{console_data.street_member.member_no}/suspend/", {"reason": "测试"})
    assert _reason_of(response) == {"viewer"}


def test_the_wrong_side_of_a_transfer_is_told_which_side_decides(client, personas, console_data):
    # street is the receiving side of console_data.transfer; other_street the sending side. The
    # member started it: only the member may withdraw it.
    client.force_login(personas["street"])
    assert _reason_of(client.post(f"/console/transfers/{console_data.transfer.pk}/cancel/", {"note": "x"})) == {"cancel"}
    client.force_login(personas["other_street"])
    assert _reason_of(client.post(f"/console/transfers/{console_data.transfer.pk}/cancel/", {"note": "x"})) == {"cancel"}
    assert _reason_of(client.post(f"/console/transfers/{console_data.transfer.pk}/accept/")) == {"decide"}


def test_an_account_without_console_access_is_told_so(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("plain", password="x" * 12))
    assert _reason_of(client.get("/console/")) == {"not_staff"}
