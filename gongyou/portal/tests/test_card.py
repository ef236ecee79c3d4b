import time

import pytest
from django.urls import reverse

from gongyou.core import crypto
from gongyou.core.actors import COMMAND
from gongyou.members.services import suspend_membership
from gongyou.portal.cards import CardTokenError, card_token, read_card_token


def test_the_card_needs_a_login(client, member):
    response = client.get(reverse("portal:card"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_the_card_shows_name_number_union_status_and_an_inline_qr(member_client, member):
    body = member_client.get(reverse("portal:card")).content.decode()
    for text in (member.person.name, member.member_no, member.org.name, "正常", "<svg"):
        assert text in body
    assert 'hx-trigger="every 60s"' in body


def test_the_qr_fragment_encodes_a_fresh_verify_url(member_client, member):
    body = member_client.get(reverse("portal:card_qr")).content.decode()
    assert body.lstrip().startswith('<div id="card-qr"')
    assert "<svg" in body


def test_a_card_token_round_trips_and_expires():
    token = card_token(42)
    assert read_card_token(token) == 42
    time.sleep(1.1)
    with pytest.raises(CardTokenError) as info:
        read_card_token(token, max_age=1)
    assert info.value.code == "expired"


def test_a_tampered_card_token_is_invalid():
    token = card_token(42)
    with pytest.raises(CardTokenError) as info:
        read_card_token(token[:-3] + "abc")
    assert info.value.code == "invalid"


def test_verify_shows_a_valid_active_member_with_the_name_masked(client, member):
    body = client.get(reverse("portal:verify", args=[card_token(member.pk)])).content.decode()
    assert "有效会员" in body
    assert crypto.mask_name(member.person.name) in body
    assert member.person.name not in body
    assert member.org.name in body
    assert member.member_no not in body and member.person.phone_masked not in body


def test_verify_says_when_the_membership_is_not_active(client, member):
    suspend_membership(member, reason="测试", actor=COMMAND)
    body = client.get(reverse("portal:verify", args=[card_token(member.pk)])).content.decode()
    assert "会籍不在有效状态" in body and "暂停" in body


def test_verify_refuses_a_forged_code(client, member):
    body = client.get(reverse("portal:verify", args=["forged:token"])).content.decode()
    assert "无法识别的会员证" in body


def test_verify_reports_an_expired_code(client, member, monkeypatch):
    import django.core.signing as signing

    token = card_token(member.pk)
    real = signing.TimestampSigner.unsign_object

    def aged(self, value, **kwargs):
        kwargs["max_age"] = -1
        return real(self, value, **kwargs)

    monkeypatch.setattr(signing.TimestampSigner, "unsign_object", aged)
    body = client.get(reverse("portal:verify", args=[token])).content.decode()
    assert "二维码已过期" in body


def test_the_manifest_makes_the_card_installable(client, db):
    response = client.get(reverse("portal:manifest"))
    data = response.json()
    assert response["Content-Type"].startswith("application/manifest+json")
    assert data["display"] == "standalone" and data["theme_color"] == "#c8102e"
    assert data["start_url"].startswith(reverse("portal:card"))
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_the_pages_link_the_manifest(client, db):
    body = client.get(reverse("portal:home")).content.decode()
    assert 'rel="manifest"' in body and 'rel="apple-touch-icon"' in body
