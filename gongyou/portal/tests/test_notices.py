"""通知 in the portal: a member sees the notices sent to members of their org, nothing else."""

from __future__ import annotations

from gongyou.core.actors import COMMAND
from gongyou.voice.inputs import clean_notice
from gongyou.voice.services import send_notice


def send(org, title, *, to_members=True, orgs=()):
    data = clean_notice(
        {"title": title, "body": "第一行\n第二行", "audience": "chosen" if orgs else "all", "to_members": "1" if to_members else ""},
        [],
        [str(o.pk) for o in orgs],
    )
    return send_notice(org, data, actor=COMMAND)


def test_a_member_reads_the_notices_meant_for_members_of_their_org(member_client, member, world):
    send(world.street_fed, "夏季送清凉活动通知")
    send(world.street_fed, "仅发工会的通知", to_members=False)
    send(world.street_fed, "快递工会会员通知", orgs=[world.street_union_express])
    send(world.other_street_fed, "别的街道的通知")
    html = member_client.get("/me/notices/").content.decode()
    assert "夏季送清凉活动通知" in html and "第一行<br>第二行" in html
    for hidden in ("仅发工会的通知", "快递工会会员通知", "别的街道的通知"):
        assert hidden not in html
    assert 'href="/me/notices/"' in member_client.get("/me/").content.decode()


def test_the_notices_page_needs_a_login(client, world):
    response = client.get("/me/notices/")
    assert response.status_code == 302 and "/me/login/" in response["Location"]


def test_a_member_downloads_a_notice_file_only_when_the_notice_reached_them(member_client, member, world, settings, tmp_path):
    from gongyou.voice.inputs import clean_file

    settings.VAR_DIR = tmp_path
    pdf = b"%PDF-1.4\n%notice\n"
    data = clean_notice({"title": "防暑降温须知", "body": "见附件", "audience": "all", "to_members": "1"}, [], [])
    reached = send_notice(world.street_fed, data, clean_file("防暑须知.pdf", len(pdf), pdf), actor=COMMAND)
    elsewhere = send_notice(world.other_street_fed, data, clean_file("别处.pdf", len(pdf), pdf), actor=COMMAND)
    html = member_client.get("/me/notices/").content.decode()
    assert f'href="/me/notices/{reached.pk}/attachment/"' in html and "防暑须知.pdf" in html
    download = member_client.get(f"/me/notices/{reached.pk}/attachment/")
    assert download.status_code == 200 and download.content == pdf and download["X-Content-Type-Options"] == "nosniff"
    assert member_client.get(f"/me/notices/{elsewhere.pk}/attachment/").status_code == 404
    member_client.logout()
    assert member_client.get(f"/me/notices/{reached.pk}/attachment/").status_code == 302
