"""The staff API tokens page: own tokens, an admin's scope, revoking (audited), viewers 403."""

from __future__ import annotations

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, StaffProfile, StaffToken
from gongyou.core.services import check_staff_token, create_staff, issue_staff_token


def prefix(token):
    return token.split("_")[1]


def test_an_officer_sees_and_revokes_only_their_own(client, personas, django_assert_max_num_queries):
    mine = issue_staff_token(personas["street"], actor=COMMAND, name="扫码")
    theirs = issue_staff_token(personas["other_street"], actor=COMMAND)
    issue_staff_token(personas["street"], actor=COMMAND)
    client.force_login(personas["street"])
    client.get("/console/tokens/")
    with django_assert_max_num_queries(12):
        response = client.get("/console/tokens/")
    html = response.content.decode()
    assert response.status_code == 200 and prefix(mine) in html and "扫码" in html and prefix(theirs) not in html
    assert mine not in html  # never the secret
    other = StaffToken.objects.get(prefix=prefix(theirs))
    assert client.post(f"/console/tokens/{other.pk}/revoke/").status_code == 404
    assert check_staff_token(theirs) is not None
    own = StaffToken.objects.get(prefix=prefix(mine))
    assert client.post(f"/console/tokens/{own.pk}/revoke/").status_code == 302
    assert check_staff_token(mine) is None
    assert AuditLog.objects.get(action="staff_token.revoke").actor_label == "staff:street"


def test_an_admin_sees_the_tokens_of_staff_in_scope(client, world, personas, passed_second_factor):
    admin = create_staff(
        username="admin", password="x", org=world.district, role=StaffProfile.Role.ADMIN, actor=COMMAND
    )
    below = issue_staff_token(personas["street"], actor=COMMAND)
    above = issue_staff_token(personas["city"], actor=COMMAND)
    client.force_login(admin)
    passed_second_factor(client)
    html = client.get("/console/tokens/").content.decode()
    assert prefix(below) in html and prefix(above) not in html
    row = StaffToken.objects.get(prefix=prefix(below))
    assert client.post(f"/console/tokens/{row.pk}/revoke/").status_code == 302
    assert check_staff_token(below) is None


def test_a_viewer_cannot_revoke(client, personas):
    token = issue_staff_token(personas["viewer"], actor=COMMAND)
    client.force_login(personas["viewer"])
    assert client.get("/console/tokens/").status_code == 200
    row = StaffToken.objects.get(prefix=prefix(token))
    assert client.post(f"/console/tokens/{row.pk}/revoke/").status_code == 403
    assert check_staff_token(token) is not None
