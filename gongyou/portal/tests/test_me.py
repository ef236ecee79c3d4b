from django.core.cache import cache
from django.urls import reverse

from gongyou.core import crypto
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.services import join
from gongyou.members.transfers import request_transfer
from gongyou.portal.session import SESSION_KEY
from gongyou.portal.tests.conftest import get_code
from gongyou.positions.services import record_checkin


def login(client, phone):
    code = get_code(client, phone, "login")
    return client.post(reverse("portal:login"), {"phone": phone, "sms_code": code, "action": "login"})


# --- login ---------------------------------------------------------------------------------------------


def test_a_member_logs_in_with_phone_and_code(client, member):
    response = login(client, make_phone(500))
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    assert client.session[SESSION_KEY] == member.pk


def test_login_with_a_wrong_code_fails(client, member):
    phone = make_phone(500)
    code = get_code(client, phone, "login")
    body = client.post(reverse("portal:login"), {"phone": phone, "sms_code": "x" + code[1:], "action": "login"}).content.decode()
    assert "验证码不对" in body and SESSION_KEY not in client.session


def test_an_unknown_phone_is_told_to_join(client, member):
    body = login(client, make_phone(777)).content.decode()
    assert "这个手机号还没有入会记录" in body


def test_a_join_code_does_not_log_in(client, member):
    phone = make_phone(500)
    code = get_code(client, phone, "join")
    client.post(reverse("portal:login"), {"phone": phone, "sms_code": code, "action": "login"})
    assert SESSION_KEY not in client.session


def test_login_follows_a_local_next_only(client, member):
    phone = make_phone(500)
    code = get_code(client, phone, "login")
    response = client.post(reverse("portal:login"), {"phone": phone, "sms_code": code, "next": "https://evil.example/", "action": "login"})
    assert response["Location"] == reverse("portal:me")


def test_logout_ends_the_session(member_client):
    member_client.post(reverse("portal:logout"))
    assert SESSION_KEY not in member_client.session
    assert member_client.get(reverse("portal:me")).status_code == 302


# --- my membership -------------------------------------------------------------------------------------


def test_me_shows_status_and_history(member_client, member):
    body = member_client.get(reverse("portal:me")).content.decode()
    assert member.member_no in body and member.org.name in body
    assert "入会" in body and member.routing_reason in body
    assert member.person.phone_masked in body


def test_me_requires_login(client, member):
    response = client.get(reverse("portal:me"))
    assert response.status_code == 302 and "next=/me/" in response["Location"]


# --- change phone --------------------------------------------------------------------------------------


def test_changing_phone_needs_a_code_sent_to_the_new_number(member_client, member):
    new = make_phone(8800)
    code = get_code(member_client, new, "change_phone")
    response = member_client.post(reverse("portal:phone"), {"phone": new, "sms_code": code, "action": "change"})
    assert response.status_code == 302
    person = Person.objects.get(pk=member.person_id)
    assert person.phone_hash == crypto.phone_hash(new) and crypto.decrypt(person.phone_enc) == new
    entry = AuditLog.objects.get(action="person.change_phone")
    assert entry.before == {"phone": crypto.mask_phone(make_phone(500))}
    assert new not in str(entry.after)


def test_a_code_sent_to_the_old_number_does_not_change_the_phone(member_client, member):
    old = make_phone(500)
    code = get_code(member_client, old, "change_phone")
    body = member_client.post(reverse("portal:phone"), {"phone": make_phone(8801), "sms_code": code, "action": "change"}).content.decode()
    assert "验证码" in body
    assert Person.objects.get(pk=member.person_id).phone_hash == crypto.phone_hash(old)


def test_the_same_phone_is_refused(member_client, member):
    old = make_phone(500)
    code = get_code(member_client, old, "change_phone")
    body = member_client.post(reverse("portal:phone"), {"phone": old, "sms_code": code, "action": "change"}).content.decode()
    assert "新手机号与原手机号相同" in body


# --- transfer ------------------------------------------------------------------------------------------


def transfer_data(world, **overrides):
    data = {
        "district": "310104",
        "street_code": world.other_street.code,
        "industry": "express",
        "labor_relation": "independent",
        "employer": "",
        "station_code": "",
        "reason": "换了站点",
    }
    data.update(overrides)
    return data


def test_the_transfer_preview_shows_the_proposed_union_and_why(member_client, member, world):
    body = member_client.post(reverse("portal:transfer"), {**transfer_data(world), "action": "preview"}).content.decode()
    assert world.other_street_union.name in body
    assert "按属地和行业就近原则" in body
    assert not Transfer.objects.exists()


def test_confirming_requests_the_transfer_with_the_new_context(member_client, member, world):
    response = member_client.post(reverse("portal:transfer"), {**transfer_data(world), "action": "confirm"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.to_org == world.other_street_union and transfer.initiator == "member"
    assert transfer.new_context["work_street_id"] == world.other_street.pk
    assert transfer.reason == "换了站点"
    assert Membership.objects.get(pk=member.pk).status == "transferring"
    assert "接转办理中" in member_client.get(reverse("portal:me")).content.decode()


def test_a_pending_transfer_can_be_withdrawn_after_confirming(member_client, member, world):
    member_client.post(reverse("portal:transfer"), {**transfer_data(world), "action": "confirm"})
    me = member_client.get(reverse("portal:me")).content.decode()
    assert f'href="{reverse("portal:transfer_cancel")}"' in me and "会员申请" in me
    # The link asks first: nothing is withdrawn by opening it.
    ask = member_client.get(reverse("portal:transfer_cancel")).content.decode()
    assert "确定撤回吗" in ask and Transfer.objects.get().status == "pending"
    member_client.post(reverse("portal:transfer_cancel"), {"action": "confirm"})
    assert Transfer.objects.get().status == "cancelled"
    assert Membership.objects.get(pk=member.pk).status == "active"
    history = member_client.get(reverse("portal:me")).content.decode()
    assert "会员本人撤回接转" in history and "会员本人申请组织关系接转" in history


def test_a_union_started_transfer_is_not_the_members_to_withdraw(member_client, member, world):
    request_transfer(member, world.other_street_union, initiator="old_org", actor=COMMAND, reason="整建制划转")
    me = member_client.get(reverse("portal:me")).content.decode()
    assert "转出工会发起" in me
    assert f'href="{reverse("portal:transfer_cancel")}"' not in me
    assert "会员本人申请" not in me and "申请组织关系接转" not in me.replace("发起组织关系接转", "")
    ask = member_client.get(reverse("portal:transfer_cancel")).content.decode()
    assert "确定撤回" not in ask and "不是您申请的" in ask
    member_client.post(reverse("portal:transfer_cancel"), {"action": "confirm"})
    assert Transfer.objects.get().status == "pending"


def test_english_history_lines_are_translated(member_client, member, world):
    request_transfer(member, world.other_street_union, initiator="new_org", actor=COMMAND, reason="")
    member_client.cookies["django_language"] = "en"
    body = member_client.get(reverse("portal:me"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Transfer started by the receiving union" in body
    assert f"To {world.other_street_union.name}" in body
    assert "个体入会" not in body and "就近原则" not in body


def test_my_station_visits_are_listed(member_client, member, world, make_position):
    position = make_position(name="徐家汇爱心接力站")
    record_checkin(position, membership=member, actor=COMMAND)
    other = join(clean_worker(worker_data(501)), channel="online", actor=COMMAND).membership
    record_checkin(make_position(name="别人的站"), membership=other, actor=COMMAND)
    body = member_client.get(reverse("portal:me")).content.decode()
    assert "徐家汇爱心接力站" in body and reverse("portal:station", args=[position.pk]) in body
    assert "别人的站" not in body


def test_no_transfer_when_the_rule_keeps_the_same_union(member_client, member, world):
    data = transfer_data(world, street_code=world.street.code, industry="food_delivery")
    body = member_client.post(reverse("portal:transfer"), {**data, "action": "confirm"}).content.decode()
    assert "不需要接转" in body
    assert not Transfer.objects.exists()


def test_transfer_form_errors_are_inline(member_client, member, world):
    data = transfer_data(world, street_code="", industry="", station_code="NOPE")
    body = member_client.post(reverse("portal:transfer"), {**data, "action": "preview"}).content.decode()
    assert "请选择工作所在街镇" in body and "请选择所在行业" in body and "找不到这个站点编码" in body


def test_an_unknown_street_in_the_transfer_form_is_named_as_in_the_join_form(member_client, member, world):
    data = transfer_data(world, street_code="310104999")
    response = member_client.post(reverse("portal:transfer"), {**data, "action": "preview"})
    assert response.context["form"].errors.as_data()["street_code"][0].code == "unknown_street"
    assert not Transfer.objects.exists()


def test_the_transfer_form_is_prefilled_from_the_current_job(member_client, member):
    body = member_client.get(reverse("portal:transfer")).content.decode()
    assert '<option value="310104014" selected>' in body


# --- leave ---------------------------------------------------------------------------------------------


def test_leaving_needs_a_reason_and_a_confirmation(member_client, member):
    body = member_client.post(reverse("portal:leave"), {"action": "review"}).content.decode()
    assert "请选择或填写退会原因" in body
    body = member_client.post(reverse("portal:leave"), {"reason": "left_city", "action": "review"}).content.decode()
    assert "确定要退会吗" in body
    assert Membership.objects.get(pk=member.pk).status == "active"
    response = member_client.post(reverse("portal:leave"), {"reason": "left_city", "detail": "回老家", "action": "confirm"})
    assert response.status_code == 302
    membership = Membership.objects.get(pk=member.pk)
    assert membership.status == "withdrawn" and membership.ended_at is not None
    assert membership.events.last().note == "离开上海：回老家"


# --- withdraw consent ----------------------------------------------------------------------------------


def test_withdrawing_consent_needs_the_checkbox(member_client, member):
    body = member_client.post(reverse("portal:consent"), {}).content.decode()
    assert "请勾选确认" in body
    assert Person.objects.get(pk=member.person_id).anonymised_at is None


def test_withdrawing_consent_anonymises_and_logs_out(member_client, member):
    body = member_client.post(reverse("portal:consent"), {"confirm": "1"}).content.decode()
    assert "个人信息已删除" in body
    assert SESSION_KEY not in member_client.session
    person = Person.objects.get(pk=member.person_id)
    assert person.name == "已注销" and person.anonymised_at is not None
    assert Membership.objects.get(pk=member.pk).status == "withdrawn"


def test_sms_send_for_change_phone_works_when_logged_in(member_client, member):
    cache.clear()
    response = member_client.post(reverse("portal:sms_send"), {"phone": make_phone(8899), "purpose": "change_phone"})
    assert response.status_code == 200 and "验证码已发送" in response.content.decode()


def test_the_transfer_form_explains_the_work_relationships(member_client, member):
    assert "和公司签了劳动合同" in member_client.get(reverse("portal:transfer")).content.decode()


def test_the_leaving_reason_is_shown_in_the_readers_language(member_client, member):
    member_client.post(reverse("portal:leave"), {"reason": "left_city", "detail": "回老家", "action": "confirm"})
    event = Membership.objects.get(pk=member.pk).events.last()
    assert event.note == "离开上海：回老家"  # the record language, for exports
    member_client.cookies["django_language"] = "en"
    body = member_client.get(reverse("portal:me")).content.decode()
    assert "I am leaving Shanghai: 回老家" in body


# --- dues --------------------------------------------------------------------------------------


def test_my_membership_shows_dues_owing_then_paid_until(member_client, member):
    import datetime as dt

    from django.utils import timezone

    from gongyou.core.models import Region
    from gongyou.funds.dues import record_dues_payment, set_dues_schedule
    from gongyou.funds.vocab import PaymentChannel

    assert 'data-testid="dues-status"' not in member_client.get(reverse("portal:me")).content.decode()  # no schedule
    set_dues_schedule(Region.objects.get(code="310000"), 1000, "month", effective_from=dt.date(2020, 1, 1), actor=COMMAND)
    page = member_client.get(reverse("portal:me")).content.decode()
    assert "每月 1000 分" in page and "尚未缴纳" in page and 'data-testid="dues-owing"' in page
    assert member.member_no in page  # how to pay: quote the member number
    today = timezone.localdate()
    record_dues_payment(member, 3000, reference="P-1", paid_on=today, channel=PaymentChannel.STAFF, actor=COMMAND)
    page = member_client.get(reverse("portal:me")).content.decode()
    assert 'data-testid="dues-owing"' not in page
    until = Membership.objects.get(pk=member.pk).dues_payments.get().covers_until
    assert f'data-testid="dues-paid-until">{until:%Y-%m-%d}<' in page
