"""Campaign pages: list and export in scope, create through the service, allocate, publish,
close; outsiders 404, viewers 403, staff below the organiser 403 on changes."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gongyou.benefits.models import Allocation, Campaign
from gongyou.core.choices import Industry
from gongyou.core.models import AuditLog

FORM = {
    "kind": "summer_cooling", "title": "夏日送清凉", "starts_at": "2026-06-01T09:00", "ends_at": "2026-08-31T18:00",
    "quota": "500", "industries": ["food_delivery"], "region_codes": "310104, 310104014", "min_member_days": "30",
}  # fmt: skip


@pytest.fixture
def logged_in(client, personas):
    def login(name):
        client.force_login(personas[name])
        return client

    return login


def test_the_list_shows_campaigns_in_reach_and_exports_them(
    world, logged_in, make_campaign, django_assert_max_num_queries
):
    mine, other = (
        make_campaign(org=world.street_fed, title="徐家汇送清凉"),
        make_campaign(org=world.other_street_fed, title="别处送清凉"),
    )
    client = logged_in("street")
    client.get("/console/campaigns/")
    make_campaign(org=world.city, title="全市送温暖")
    with django_assert_max_num_queries(12):
        html = client.get("/console/campaigns/").content.decode()
    assert mine.title in html and "全市送温暖" in html and other.title not in html
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/console/campaigns/export/").content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted([mine.title, "全市送温暖"])


def test_create_through_the_form(world, logged_in):
    response = logged_in("street").post("/console/campaigns/new/", FORM)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/campaigns/{campaign.pk}/"
    assert (campaign.org, campaign.status, campaign.quota) == (world.street_fed, "published", 500)
    assert (campaign.industries, campaign.region_codes, campaign.min_member_days) == (
        ["food_delivery"],
        ["310104", "310104014"],
        30,
    )
    assert AuditLog.objects.get(action="campaign.create").actor_label == "staff:street"
    # The page names the limits in words, not the stored codes.
    page = logged_in("street").get(response["Location"]).content.decode()
    assert str(Industry.FOOD_DELIVERY.label) in page and "徐汇区" in page and world.street.name in page
    assert "food_delivery" not in page and "310104014" not in page


def test_create_shows_every_error(world, logged_in):
    response = logged_in("street").post(
        "/console/campaigns/new/", {**FORM, "title": "", "quota": "-3", "region_codes": "123"}
    )
    assert response.status_code == 400 and not Campaign.objects.exists()
    html = response.content.decode()
    assert "请填写活动名称" in html and "名额应为不小于0的整数" in html and "区域代码应为区" in html


def test_allocate_publish_and_close(world, logged_in, make_campaign):
    campaign = make_campaign(org=world.street_fed, status="draft", quota=10)
    client = logged_in("street")
    assert "发布" in client.get(f"/console/campaigns/{campaign.pk}/").content.decode()
    client.post(f"/console/campaigns/{campaign.pk}/allocate/", {"org": world.station_union.pk, "quota": "4"})
    allocation = Allocation.objects.get()
    assert (allocation.org, allocation.quota) == (world.station_union, 4)
    client.post(f"/console/campaigns/{campaign.pk}/allocate/", {"org": world.station_union.pk, "quota": "11"})
    assert Allocation.objects.get().quota == 4  # more than the campaign has left: refused
    client.post(f"/console/campaigns/{campaign.pk}/allocate/", {"org": world.other_street_fed.pk, "quota": "1"})
    assert Allocation.objects.count() == 1  # not under the organiser
    client.post(f"/console/campaigns/{campaign.pk}/publish/")
    assert Campaign.objects.get().status == "published"
    client.post(f"/console/campaigns/{campaign.pk}/close/")
    assert Campaign.objects.get().status == "closed"
    assert {"campaign.allocate", "campaign.published", "campaign.closed"} <= set(
        AuditLog.objects.values_list("action", flat=True)
    )


def test_allocate_down_to_a_service_position(world, logged_in, make_campaign, make_member, make_position):
    """The tree city → district → street → position, from the console; a position's share never
    exceeds its street's, and a hand-out there draws on it."""
    campaign = make_campaign(org=world.city, quota=10)
    position = make_position(org=world.street_union_food, name="外卖工会服务点")
    elsewhere = make_position(org=world.other_street_fed, street=world.other_street, name="别处服务点")
    client = logged_in("city")
    html = client.get(f"/console/campaigns/{campaign.pk}/").content.decode()
    assert f'value="position:{position.pk}"' in html and f'value="org:{world.district.pk}"' in html
    url = f"/console/campaigns/{campaign.pk}/allocate/"
    client.post(url, {"target": f"org:{world.district.pk}", "quota": "6"})
    client.post(url, {"target": f"org:{world.street_fed.pk}", "quota": "3"})
    client.post(url, {"target": f"position:{position.pk}", "quota": "4"})  # more than the street has
    assert not Allocation.objects.filter(position=position).exists()
    client.post(url, {"target": f"position:{position.pk}", "quota": "2"})
    pos = Allocation.objects.get(position=position)
    assert (pos.parent.org, pos.quota, pos.parent.allocated) == (world.street_fed, 2, 2)
    html = client.get(f"/console/campaigns/{campaign.pk}/").content.decode()
    assert "外卖工会服务点" in html and "名额来自" in html
    # the street federation's officer sees only positions in its own scope
    street_html = logged_in("street").get(f"/console/campaigns/{make_campaign(org=world.street_fed).pk}/").content.decode()
    assert f"position:{position.pk}" in street_html and f"position:{elsewhere.pk}" not in street_html
    # a position outside the organiser's tree or the user's scope is refused like a bad org
    other = make_campaign(org=world.street_fed, quota=5)
    logged_in("street").post(f"/console/campaigns/{other.pk}/allocate/", {"target": f"position:{elsewhere.pk}", "quota": "1"})
    logged_in("street").post(f"/console/campaigns/{other.pk}/allocate/", {"target": "position:x", "quota": "1"})
    assert not Allocation.objects.filter(campaign=other).exists()
    from gongyou.benefits.services import claim_benefit
    from gongyou.core.actors import COMMAND

    claim = claim_benefit(campaign, member_no=make_member(1).member_no, org=world.street_union_food, position=position, actor=COMMAND)
    assert claim.allocation == pos


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [("street", 200, 302), ("city", 200, 302), ("station", 200, 403), ("other_street", 404, 404), ("viewer", 200, 403)],
)
def test_scope_of_a_campaign(world, logged_in, make_campaign, persona, read, write):
    campaign = make_campaign(org=world.street_fed, status="draft")
    client = logged_in(persona)
    assert client.get(f"/console/campaigns/{campaign.pk}/").status_code == read
    assert client.post(f"/console/campaigns/{campaign.pk}/publish/").status_code == write
    assert Campaign.objects.get().status == ("published" if write == 302 else "draft")


def test_a_viewer_cannot_create(world, logged_in):
    assert logged_in("viewer").post("/console/campaigns/new/", FORM).status_code == 403
    assert not Campaign.objects.exists()


def test_people_served_on_home_and_by_street(
    world, logged_in, make_campaign, make_member, django_assert_max_num_queries
):
    from gongyou.benefits.services import claim_benefit
    from gongyou.core.actors import COMMAND

    campaign, other = make_campaign(org=world.city), make_campaign(org=world.city, kind="safety")
    a, b = make_member(1), make_member(2)
    claim_benefit(campaign, member_no=a.member_no, org=world.street_fed, actor=COMMAND)
    claim_benefit(other, member_no=a.member_no, org=world.street_fed, actor=COMMAND)
    claim_benefit(campaign, member_no=b.member_no, org=world.other_street_fed, actor=COMMAND)
    client = logged_in("street")
    home = client.get("/console/").content.decode()
    assert 'data-testid="people-served">1<' in home
    with django_assert_max_num_queries(12):
        html = client.get("/console/served/").content.decode()
    assert 'data-testid="people-served">1<' in html and 'data-testid="events">2<' in html and world.street.name in html
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/console/served/export/").content)).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["徐汇区", "310104", world.street.name, world.street.code, 1, 2]
    ]
    city = logged_in("city").get("/console/served/").content.decode()
    assert 'data-testid="people-served">2<' in city  # b works in 徐家汇 too, served by the other street
    yesterday = logged_in("city").get("/console/served/?from=2020-01-01&to=2020-12-31").content.decode()
    assert 'data-testid="people-served">0<' in yesterday


def test_hand_outs_list_masks_names_and_exports(
    world, logged_in, make_campaign, make_member, django_assert_max_num_queries
):
    from gongyou.benefits.services import claim_benefit
    from gongyou.core.actors import COMMAND

    campaign = make_campaign(org=world.street_fed)
    a, b = make_member(1), make_member(2)
    claim_benefit(campaign, member_no=a.member_no, org=world.station_union, actor=COMMAND)
    elsewhere = make_campaign(org=world.other_street_fed)
    claim_benefit(elsewhere, member_no=b.member_no, org=world.other_street_fed, actor=COMMAND)
    client = logged_in("street")
    client.get("/console/handouts/")
    with django_assert_max_num_queries(12):
        html = client.get("/console/handouts/").content.decode()
    assert a.member_no in html and b.member_no not in html
    assert a.person.name not in html and a.person.name[0] in html  # masked
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/console/handouts/export/").content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert (
        len(rows) == 1
        and rows[0][2] == a.member_no
        and rows[0][3] != a.person.name
        and rows[0][4] == world.station_union.name
    )
    assert logged_in("other_street").get("/console/handouts/").content.decode().count(a.member_no) == 0
