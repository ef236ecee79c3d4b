"""The station hand-out page: look the member up by the scanned e-card or the typed number, see
each running campaign in reach with whether they can receive it, hand out at the position
remembered in the session; viewers look but do not hand out, outsiders do not see the campaign."""

from __future__ import annotations

import pytest

from gongyou.benefits.models import Claim
from gongyou.core.crypto import mask_name
from gongyou.core.models import AuditLog
from gongyou.members.cards import card_token


def card_text(membership):
    return f"https://gongyou.example/verify/{card_token(membership.pk)}/"


@pytest.fixture
def station_client(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


@pytest.fixture
def scene(world, make_member, make_campaign, make_position):
    member = make_member(1)
    return {
        "member": member,
        "open": make_campaign(org=world.street_fed, title="徐家汇送清凉", items="绿豆汤"),
        "express_only": make_campaign(org=world.city, title="快递小哥送温暖", audience={"industries": ["express"]}),
        "elsewhere": make_campaign(org=world.other_street_fed, title="别处送清凉"),
        "draft": make_campaign(org=world.street_fed, title="还没发布", status="draft"),
        "position": make_position(org=world.street_fed, name="徐家汇骑手驿站"),
    }


def test_a_scanned_card_shows_the_member_masked_and_each_campaign_in_reach(
    world, station_client, scene, django_assert_max_num_queries
):
    client = station_client("street")
    member = scene["member"]
    with django_assert_max_num_queries(20):
        response = client.post("/console/station/", {"card": card_text(member)})
    html = response.content.decode()
    assert response.status_code == 200
    assert mask_name(member.person.name) in html and member.person.name not in html and member.member_no in html
    assert "徐家汇送清凉" in html and "确认发放 · 绿豆汤" in html
    assert "快递小哥送温暖" in html and "这项活动只面向其他行业的劳动者" in html
    assert "别处送清凉" not in html and "还没发布" not in html


def test_the_typed_member_number_is_the_fallback(station_client, scene):
    html = station_client("street").post("/console/station/", {"member_no": scene["member"].member_no}).content.decode()
    assert "徐家汇送清凉" in html and scene["member"].member_no in html
    response = station_client("street").post("/console/station/", {"member_no": "GY0000000000"})
    assert response.status_code == 400 and "找不到这个会员编号" in response.content.decode()


def test_a_forged_card_is_refused_in_words(station_client, scene):
    response = station_client("street").post("/console/station/", {"card": "https://gongyou.example/verify/forged/"})
    assert response.status_code == 400 and "这不是有效的电子会员证二维码" in response.content.decode()


def test_one_tap_hands_out_at_the_remembered_position_and_a_second_says_when_and_where(world, station_client, scene):
    client = station_client("street")
    position, member, campaign = scene["position"], scene["member"], scene["open"]
    client.post("/console/station/position/", {"position": position.pk})
    assert f'<option value="{position.pk}" selected>' in client.get("/console/station/").content.decode()
    response = client.post("/console/station/handout/", {"campaign": campaign.pk, "card": card_text(member)})
    html = response.content.decode()
    claim = Claim.objects.get()
    assert response.status_code == 200 and "已发放：徐家汇送清凉" in html
    assert (claim.campaign, claim.membership, claim.org, claim.position) == (
        campaign,
        member,
        world.street_fed,
        position,
    )
    assert f"在{position.name}领取过" in html  # the page now shows it as received
    assert AuditLog.objects.get(action="campaign.claim").actor_label == "staff:street"
    again = client.post("/console/station/handout/", {"campaign": campaign.pk, "member_no": member.member_no})
    assert again.status_code == 409 and f"在{position.name}领取过" in again.content.decode()
    assert Claim.objects.count() == 1


def test_a_position_must_be_chosen_where_the_scope_has_positions(station_client, scene):
    response = station_client("street").post(
        "/console/station/handout/", {"campaign": scene["open"].pk, "member_no": scene["member"].member_no}
    )
    assert response.status_code == 400 and "请先选择发放地点" in response.content.decode()
    assert not Claim.objects.exists()


def test_an_ineligible_member_is_refused_with_the_reason(station_client, scene):
    client = station_client("street")
    client.post("/console/station/position/", {"position": scene["position"].pk})
    response = client.post(
        "/console/station/handout/", {"campaign": scene["express_only"].pk, "member_no": scene["member"].member_no}
    )
    assert response.status_code == 400 and "这项活动只面向其他行业的劳动者" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_position_outside_the_scope_is_not_remembered(world, station_client, scene, make_position):
    theirs = make_position(org=world.other_street_fed, street=world.other_street, name="别处驿站")
    client = station_client("street")
    client.post("/console/station/position/", {"position": theirs.pk})
    assert "console.station_position" not in client.session


def test_a_viewer_looks_up_but_cannot_hand_out(station_client, scene):
    client = station_client("viewer")
    html = client.post("/console/station/", {"member_no": scene["member"].member_no}).content.decode()
    assert "徐家汇送清凉" in html and "确认发放" not in html
    response = client.post(
        "/console/station/handout/", {"campaign": scene["open"].pk, "member_no": scene["member"].member_no}
    )
    assert response.status_code == 403 and not Claim.objects.exists()


def test_a_campaign_out_of_reach_is_missing(station_client, scene):
    response = station_client("other_street").post(
        "/console/station/handout/", {"campaign": scene["open"].pk, "member_no": scene["member"].member_no}
    )
    assert response.status_code == 404 and not Claim.objects.exists()
