"""我的福利 in the portal: claimable campaigns with where and until when, the ones I cannot claim
with the reason in words, what I received."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongyou.benefits.services import allocate_quota, claim_benefit
from gongyou.core.actors import COMMAND


def section(body, name):
    """The HTML of one <section id=name> of the page."""
    match = re.search(rf'<section class="panel" id="{name}">(.*?)</section>', body, re.S)
    return match.group(1) if match else ""


def test_my_benefits_needs_a_login(client, world):
    response = client.get(reverse("portal:benefits"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_a_claimable_campaign_shows_until_when_and_the_nearest_places_first(
    member_client, world, make_campaign, make_position
):
    make_position(street=world.other_street, org=world.other_street_fed, name="枫林接力站")
    make_position(name="徐家汇爱心接力站")
    campaign = make_campaign(title="夏日送清凉2026")
    body = member_client.get(reverse("portal:benefits")).content.decode()
    claimable = section(body, "claimable")
    assert "夏日送清凉2026" in claimable
    assert campaign.ends_at.astimezone().strftime("%Y-%m-%d") in claimable
    # The member works in 徐家汇: its station comes before the other street's.
    assert claimable.index("徐家汇爱心接力站") < claimable.index("枫林接力站")
    assert "夏日送清凉2026" not in section(body, "refused")


def test_an_allocated_campaign_is_handed_out_only_where_it_was_allocated(
    member_client, world, make_campaign, make_position
):
    make_position(name="徐家汇爱心接力站")
    elsewhere = make_position(street=world.other_street, org=world.other_street_fed, name="枫林接力站")
    campaign = make_campaign(title="冬季送温暖2026", kind="winter_warmth")
    allocate_quota(campaign, quota=10, position=elsewhere, actor=COMMAND)
    claimable = section(member_client.get(reverse("portal:benefits")).content.decode(), "claimable")
    assert "枫林接力站" in claimable and "徐家汇爱心接力站" not in claimable


def test_a_campaign_i_cannot_claim_says_why_in_words(member_client, make_campaign):
    make_campaign(title="快递小哥送安全", kind="safety", audience={"industries": ["express"]})
    body = member_client.get(reverse("portal:benefits")).content.decode()
    refused = section(body, "refused")
    assert "快递小哥送安全" in refused and "这项活动只面向其他行业的劳动者" in refused
    assert "快递小哥送安全" not in section(body, "claimable")


def test_a_new_member_is_told_they_have_not_been_a_member_long_enough(member_client, make_campaign):
    make_campaign(title="老会员疗休养", kind="recuperation", audience={"min_member_days": 365})
    refused = section(member_client.get(reverse("portal:benefits")).content.decode(), "refused")
    assert "老会员疗休养" in refused and "入会时间还不够长" in refused


def test_what_i_received_shows_date_and_place(member_client, member, world, make_campaign, make_position):
    position = make_position(name="徐家汇爱心接力站")
    campaign = make_campaign(title="夏日送清凉2026")
    claim = claim_benefit(campaign, org=world.street_fed, position=position, member_no=member.member_no, actor=COMMAND)
    body = member_client.get(reverse("portal:benefits")).content.decode()
    received = section(body, "received")
    assert "夏日送清凉2026" in received and "徐家汇爱心接力站" in received
    assert claim.claimed_at.astimezone().strftime("%Y-%m-%d") in received
    assert "夏日送清凉2026" not in section(body, "claimable")


def test_the_page_links_the_e_card_and_is_linked_from_home_and_my_membership(member_client):
    body = member_client.get(reverse("portal:benefits")).content.decode()
    assert f'href="{reverse("portal:card")}"' in body
    for page in ("portal:home", "portal:me"):
        assert f'href="{reverse("portal:benefits")}"' in member_client.get(reverse(page)).content.decode()


def test_each_campaign_costs_at_most_two_queries(member_client, make_campaign, make_position):
    """Where to pick it up is looked up per claimable campaign (its allocations, then positions):
    a few running campaigns at a time, so two queries each, nothing per position or claim."""
    make_position(name="徐家汇爱心接力站")
    make_campaign(title="活动0")
    with CaptureQueriesContext(connection) as one:
        member_client.get(reverse("portal:benefits"))
    for n in range(1, 4):
        make_campaign(title=f"活动{n}")
    with CaptureQueriesContext(connection) as four:
        member_client.get(reverse("portal:benefits"))
    assert len(four) <= len(one) + 3 * 2
