"""Station staff on a phone hand out by scanning: the e-card QR is fed to the page as a photo
(the file input that is also the phones' fallback when the camera is refused), jsQR reads it,
the page shows the member masked and the campaign, one tap records it, a second scan says when
and where it was received."""

from __future__ import annotations

import re

import pytest
import segno

from gongyou.benefits.inputs import clean_campaign
from gongyou.benefits.models import Claim
from gongyou.benefits.services import create_campaign
from gongyou.benefits.tests.conftest import campaign_data
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.crypto import mask_name
from gongyou.core.testing import worker_data
from gongyou.members.cards import card_token
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join
from gongyou.positions.inputs import clean_position
from gongyou.positions.services import create_position
from gongyou.positions.tests.conftest import position_data

pytestmark = pytest.mark.browser
PASSWORD = "Gongyou-test-2026!"


@pytest.mark.usefixtures("transactional_db")
def test_station_staff_scan_a_card_photo_and_hand_out(live_server, world, personas, phone_page, screenshot, tmp_path):
    member = join(clean_worker(worker_data(1)), channel="qr", actor=Actor.worker()).membership
    campaign = create_campaign(
        clean_campaign(campaign_data(title="夏日送清凉", items="绿豆汤")), org=world.street_fed, actor=COMMAND
    )
    streets = {world.street.code: world.street}
    data = position_data(world.street_fed, world.street, name="徐家汇骑手驿站")
    position = create_position(
        clean_position(data, orgs={str(world.street_fed.pk): world.street_fed}, streets=streets), actor=COMMAND
    )
    photo = tmp_path / "card.png"
    segno.make(f"{live_server.url}/verify/{card_token(member.pk)}/", error="m").save(str(photo), scale=8, border=4)

    page, base = phone_page, live_server.url
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "street")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/$"))
    page.goto(f"{base}/console/station/")
    page.select_option("select[name=position]", str(position.pk))  # sends itself
    page.wait_for_selector(".flash >> text=徐家汇骑手驿站")
    screenshot(page, "console/station-01-ready")

    page.set_input_files("#station-file", str(photo))
    page.wait_for_selector(".station-member")
    assert mask_name(member.person.name) in page.inner_text(".station-member")
    assert member.member_no in page.inner_text(".station-member")
    screenshot(page, "console/station-02-member")

    page.click("text=确认发放 · 绿豆汤")
    page.wait_for_selector(".station-done")
    claim = Claim.objects.get()
    assert (claim.campaign_id, claim.membership_id, claim.position_id) == (campaign.pk, member.pk, position.pk)
    assert "在徐家汇骑手驿站领取过" in page.inner_text(".station-offers")
    screenshot(page, "console/station-03-handed-out")

    # The same card scanned again: no button, the date and place instead.
    page.goto(f"{base}/console/station/")
    page.set_input_files("#station-file", str(photo))
    page.wait_for_selector(".station-member")
    assert "在徐家汇骑手驿站领取过" in page.inner_text(".station-offers")
    assert page.locator("text=确认发放").count() == 0
    assert Claim.objects.count() == 1
