from gongyou.api.tests.conftest import roster_row
from gongyou.core.actors import Actor
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Transfer
from gongyou.members.services import join


def join_elsewhere(seq, **overrides):
    """A member who joined through the QR form, not through any partner."""
    return join(clean_worker(worker_data(seq, **overrides)), channel="qr", actor=Actor.worker()).membership


def test_a_member_who_joined_through_the_partner_is_visible(world, api):
    member_no = api.post("/api/v1/join", worker_data(1), format="json").json()["member_no"]
    response = api.get(f"/api/v1/members/{member_no}")
    assert response.status_code == 200
    membership = Membership.objects.get(member_no=member_no)
    body = response.json()
    assert list(body) == ["member_no", "status", "union", "joined_at"]
    assert body["member_no"] == member_no and body["status"] == "active"
    assert body["union"] == {"id": membership.org_id, "name": membership.org.name, "kind": membership.org.kind}
    assert body["joined_at"] is not None
    # Lower case and stray spaces are how people type member numbers.
    assert api.get(f"/api/v1/members/{member_no.lower()}").json() == body


def test_a_member_on_the_partners_roster_is_visible(world, api):
    membership = join_elsewhere(2)
    assert api.get(f"/api/v1/members/{membership.member_no}").status_code == 404
    api.post("/api/v1/partner/roster", {"workers": [roster_row(2, labor_relation="independent")]}, format="json")
    response = api.get(f"/api/v1/members/{membership.member_no}")
    assert response.status_code == 200
    assert response.json()["union"]["id"] == world.street_union_food.pk


def test_another_partners_member_is_404(world, api, other_api):
    member_no = api.post("/api/v1/join", worker_data(3), format="json").json()["member_no"]
    response = other_api.get(f"/api/v1/members/{member_no}")
    assert response.status_code == 404
    assert response.json()["errors"]["detail"][0]["code"] == "not_found"


def test_unknown_and_malformed_numbers_are_404(world, api):
    for number in ("GY0000000011", "GY000000001X", "nonsense", "1" * 40):
        response = api.get(f"/api/v1/members/{number}")
        assert response.status_code == 404, number
        assert list(response.json()) == ["errors"]


def test_a_second_partners_roster_proposes_a_transfer(world, api, other_api):
    """A member who joined as the platform's employee now shows up working for another
    enterprise (and no longer on the platform's roster): the system proposes a transfer."""
    joined = api.post("/api/v1/join", worker_data(7, labor_relation="employee"), format="json").json()
    assert joined["union"]["id"] == world.platform_union.pk
    membership = Membership.objects.get(member_no=joined["member_no"])

    row = roster_row(7, external_id="E-7", industry="express", labor_relation="employee")
    body = other_api.post("/api/v1/partner/roster", {"workers": [row]}, format="json").json()
    assert body["created"] == 1

    transfer = Transfer.objects.get(membership=membership)
    assert transfer.status == "pending" and transfer.initiator == "system"
    assert transfer.from_org == world.platform_union
    assert transfer.to_org == world.street_union_express
    membership.refresh_from_db()
    assert membership.org == world.platform_union  # stays with the old org until accepted
    # The second partner now sees the member (on its roster); replaying proposes nothing new.
    assert other_api.get(f"/api/v1/members/{joined['member_no']}").status_code == 200
    other_api.post("/api/v1/partner/roster", {"workers": [row]}, format="json")
    assert Transfer.objects.filter(membership=membership).count() == 1


def test_a_member_the_partner_was_told_about_on_join_is_visible(world, api, other_api):
    """A join through a second partner finds the person already a member and answers 200 with
    their member_no: that partner can then look the number up (it is "joined through it")."""
    member_no = api.post("/api/v1/join", worker_data(11), format="json").json()["member_no"]
    assert other_api.get(f"/api/v1/members/{member_no}").status_code == 404
    again = other_api.post("/api/v1/join", worker_data(11, labor_relation="independent"), format="json")
    assert again.status_code == 200 and again.json()["member_no"] == member_no
    assert other_api.get(f"/api/v1/members/{member_no}").status_code == 200
