import pytest
from django.core.cache import cache
from django.urls import reverse

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.core.testing import make_id_number, make_phone
from gongyou.members.join_links import make_join_token
from gongyou.members.models import Membership
from gongyou.members.services import withdraw_membership
from gongyou.portal.session import SESSION_KEY
from gongyou.portal.tests.conftest import get_code, join_form, post_join


def test_the_form_is_chinese_and_lists_the_districts(client, regions):
    response = client.get(reverse("portal:join"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "加入工会" in body and "徐汇区" in body
    assert "隐私" not in body or "个人信息处理告知" in body
    assert response["Cache-Control"] == "no-store"


def test_a_qr_token_preselects_street_station_and_union(client, world):
    token = make_join_token(station=world.station)
    body = client.get(reverse("portal:join"), {"t": token}).content.decode()
    assert "徐家汇站" in body and "徐家汇站分工会" in body
    assert '<option value="310104014" selected>' in body
    assert 'name="station_code" value="ST-001"' in body


def test_an_expired_or_tampered_token_gives_a_friendly_message_and_a_usable_form(client, world):
    body = client.get(reverse("portal:join"), {"t": "garbage"}).content.decode()
    assert "这个二维码无法识别" in body
    assert 'name="name"' in body


def test_joining_with_a_qr_token_records_channel_qr_and_logs_in(client, world):
    token = make_join_token(station=world.station)
    response = post_join(client, 1, t=token, station_code="")
    assert response.status_code == 302 and response["Location"] == reverse("portal:join_done")
    membership = Membership.objects.get()
    assert membership.channel == "qr"
    assert membership.org == world.station_union  # the token's station decides
    assert membership.consent_version == "2026-11" and membership.consent_at is not None
    assert client.session[SESSION_KEY] == membership.pk


def test_joining_without_a_token_is_an_online_join(client, world):
    post_join(client, 2)
    membership = Membership.objects.get()
    assert membership.channel == "online"
    assert membership.org == world.street_union_food


def test_the_result_page_says_which_union_and_why(client, world):
    post_join(client, 3)
    body = client.get(reverse("portal:join_done")).content.decode()
    membership = Membership.objects.get()
    assert "入会成功" in body
    assert membership.org.name in body and membership.routing_reason in body and membership.member_no in body


def test_errors_are_inline_and_keep_what_was_typed(client, world):
    response = post_join(client, 4, id_number="31010419900101001", phone="1391234", with_code=False)
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码应为18位，您填写了17位" in body
    assert "手机号码应为11位" in body
    assert 'value="31010419900101001"' in body and 'value="测试4号"' in body
    assert not Membership.objects.exists()


def test_consent_and_the_separate_id_consent_are_both_required(client, world):
    response = post_join(client, 5, consent="", consent_id="")
    body = response.content.decode()
    assert "请阅读并勾选同意个人信息处理告知" in body
    assert "实名入会需要您单独同意处理身份证号码" in body
    assert not Membership.objects.exists()
    response = post_join(client, 5, consent="on", consent_id="", sms_code="")
    assert "实名入会需要您单独同意处理身份证号码" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_wrong_sms_code_is_refused(client, world):
    data = join_form(6)
    code = get_code(client, data["phone"])
    data["sms_code"] = "000000" if code != "000000" else "111111"
    body = client.post(reverse("portal:join"), data).content.decode()
    assert "验证码不对" in body
    assert not Membership.objects.exists()


def test_a_code_is_not_spent_by_a_form_with_other_errors(client, world):
    data = join_form(7, industry="")
    data["sms_code"] = get_code(client, data["phone"])
    assert "请选择所在行业" in client.post(reverse("portal:join"), data).content.decode()
    data["industry"] = "express"
    assert client.post(reverse("portal:join"), data).status_code == 302


def test_no_js_send_code_button_keeps_the_form(client, world):
    data = join_form(8, action="send_code")
    body = client.post(reverse("portal:join"), data).content.decode()
    assert "验证码已发送到139****" in body
    assert 'value="测试8号"' in body


def test_no_js_street_refresh_lists_the_district_streets(client, world):
    body = client.post(reverse("portal:join"), join_form(9, action="refresh", district="310105", street_code="")).content.decode()
    assert "新华路街道" in body or "江苏路街道" in body
    assert not Membership.objects.exists()


def test_duplicate_join_shows_the_existing_membership(client, world):
    post_join(client, 10)
    first = Membership.objects.get()
    client.post(reverse("portal:logout"))
    cache.clear()  # the one-code-per-minute limit
    response = post_join(client, 10, industry="express")
    assert response.status_code == 302
    body = client.get(reverse("portal:join_done")).content.decode()
    assert "您已经是工会会员了" in body and first.member_no in body
    assert Membership.objects.count() == 1


def test_duplicate_join_from_another_phone_does_not_log_in(client, world):
    post_join(client, 11)
    client.post(reverse("portal:logout"))
    cache.clear()  # the one-code-per-minute limit
    response = post_join(client, 11, phone=make_phone(9911))
    body = response.content.decode()
    assert "这个身份证号码已经入会" in body
    assert SESSION_KEY not in client.session


def test_name_mismatch_is_shown_on_the_name_field(client, world):
    post_join(client, 12)
    client.post(reverse("portal:logout"))
    cache.clear()  # the one-code-per-minute limit
    body = post_join(client, 12, name="别人").content.decode()
    assert "姓名与身份证号码登记的信息不一致" in body


def test_the_thirty_first_submission_in_an_hour_is_refused(client, world):
    for _ in range(30):
        client.post(reverse("portal:join"), join_form(14, id_number=""))
    body = client.post(reverse("portal:join"), join_form(14)).content.decode()
    assert "提交太频繁了" in body


def test_an_employer_with_a_union_routes_there(client, world):
    post_join(client, 15, labor_relation="employee", employer=str(world.platform.pk))
    membership = Membership.objects.get()
    assert membership.org == world.platform_union
    assert membership.mode == "employer"


def test_the_join_is_audited(client, world):
    post_join(client, 16)
    assert AuditLog.objects.filter(action="membership.join", actor_label="worker").count() == 1


def test_htmx_street_picker_filters_by_district_and_name(client, regions):
    body = client.get(reverse("portal:streets"), {"district": "310104"}).content.decode()
    assert "徐家汇街道" in body and "新华路街道" not in body
    body = client.get(reverse("portal:streets"), {"street_q": "新华路"}).content.decode()
    assert "长宁区新华路街道" in body


def test_htmx_sms_send_refuses_unknown_purposes(client, db):
    assert client.post(reverse("portal:sms_send"), {"phone": "13912345678", "purpose": "x"}).status_code == 403
    assert client.post(reverse("portal:sms_send"), {"phone": "13912345678", "purpose": "change_phone"}).status_code == 403


def test_htmx_sms_send_reports_a_bad_phone_under_the_phone_field(client, db):
    body = client.post(reverse("portal:sms_send"), {"phone": "1391234567", "purpose": "join"}).content.decode()
    box, _sep, oob = body.partition('id="phone-errors"')
    assert 'id="sms-box"' in box and "手机号码应为11位" not in box
    assert 'hx-swap-oob="true"' in oob and "手机号码应为11位" in oob


def test_a_good_number_clears_the_phone_fields_error(client, db):
    body = client.post(reverse("portal:sms_send"), {"phone": "13912345678", "purpose": "join"}).content.decode()
    _box, _sep, oob = body.partition('id="phone-errors"')
    assert 'hx-swap-oob="true"' in oob and "error" not in oob


def test_no_js_send_code_with_a_ten_digit_phone_shows_the_error_under_the_phone(client, world):
    body = client.post(reverse("portal:join"), join_form(41, phone="1391234567", action="send_code")).content.decode()
    phone_field = body.split('id="f-phone"', 1)[1].split('id="sms-box"', 1)[0]
    sms_box = body.split('id="sms-box"', 1)[1][:1500]
    assert "手机号码应为11位" in phone_field
    assert "手机号码应为11位" not in sms_box


def test_going_back_and_resubmitting_after_joining_says_you_have_joined(client, world):
    data = join_form(42)
    data["sms_code"] = get_code(client, data["phone"])
    assert client.post(reverse("portal:join"), data).status_code == 302
    response = client.post(reverse("portal:join"), data)  # the spent code, the same form
    body = response.content.decode()
    assert "你已入会" in body and f'href="{reverse("portal:card")}"' in body
    assert 'class="error"' not in body
    assert Membership.objects.count() == 1


def test_after_leaving_the_same_person_may_join_again_while_logged_in(client, world):
    data = join_form(43)
    data["sms_code"] = get_code(client, data["phone"])
    client.post(reverse("portal:join"), data)
    membership = Membership.objects.get()
    withdraw_membership(membership, reason="换城市", actor=COMMAND)
    cache.clear()
    data["sms_code"] = get_code(client, data["phone"])
    response = client.post(reverse("portal:join"), data)
    assert response.status_code == 302 and Membership.objects.count() == 2


@pytest.mark.parametrize("debug,shown", [(True, True), (False, False)])
def test_the_demo_code_is_shown_on_screen_only_in_debug(client, db, settings, debug, shown):
    settings.DEBUG = debug
    body = client.post(reverse("portal:sms_send"), {"phone": "13912345678", "purpose": "join"}).content.decode()
    assert ("演示环境验证码" in body) is shown


def test_id_number_in_the_x_form_is_accepted(client, world):
    number = next(make_id_number(s) for s in range(100, 400) if make_id_number(s).endswith("X"))
    response = post_join(client, 17, id_number=number.lower())
    assert response.status_code == 302


def test_no_js_district_change_drops_the_old_street(client, world):
    data = join_form(18, action="refresh", district="310105", street_code="310104014")
    body = client.post(reverse("portal:join"), data).content.decode()
    assert '<option value="310104014"' not in body
    assert '<option value="310105" selected>' in body


def test_a_street_found_by_name_shows_its_own_district(client, world):
    data = join_form(19, action="refresh", district="310105", street_q="徐家汇", street_code="310104014")
    body = client.post(reverse("portal:join"), data).content.decode()
    assert '<option value="310104014" selected>' in body
    assert '<option value="310104" selected>' in body


def test_a_campaign_poster_records_its_campaign_on_the_membership(client, world, personas):
    token = make_join_token(org=world.street_union_food, campaign="2026-summer-cooling")
    post_join(client, 4, t=token)
    membership = Membership.objects.get()
    assert membership.channel == "qr" and membership.campaign == "2026-summer-cooling"
    client.force_login(personas["city"])
    page = client.get(f"/console/members/{membership.member_no}/").content.decode()
    assert "2026-summer-cooling" in page
