"""Staff accounts pages: an admin opens, lists, exports, deactivates accounts and resets a
password or the second factor (each secret shown once); a temporary password must be changed
before any other console page opens; everyone changes their own password."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD
from gongyou.console import security
from gongyou.console.models import StaffTOTP
from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, StaffProfile
from gongyou.core.services import create_staff

NEW_PASSWORD = "Lanse-haiyang-77"


@pytest.fixture
def admin(world):
    return create_staff(
        username="street_admin", password=PASSWORD, org=world.street_fed, role=StaffProfile.Role.ADMIN, actor=COMMAND
    )


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    session = client.session
    session[security.OTP_OK] = True
    session.save()
    return client


def _secret(response, name):
    html = response.content.decode()
    start = html.index(f'data-secret="{name}">') + len(f'data-secret="{name}">')
    return html[start : html.index("<", start)]


def test_an_admin_opens_an_account_and_the_new_user_must_change_the_password_first(admin_client, client, world):
    form = admin_client.get("/console/staff/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert world.street_union_food.name in html and world.other_street_fed.name not in html
    response = admin_client.post(
        "/console/staff/new/",
        {"username": "xiaowang", "name": "小王", "org": world.street_union_food.pk, "role": "officer"},
    )
    assert response.status_code == 200
    password = _secret(response, "password")
    assert len(password) == 14 and 'data-secret="activation"' not in response.content.decode()
    admin_client.post("/console/logout/")

    assert client.post("/console/login/", {"username": "xiaowang", "password": password}).status_code == 302
    for page in ("/console/", "/console/members/", "/console/orgs/"):
        assert client.get(page)["Location"] == "/console/password/"
    weak = client.post(
        "/console/password/", {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200 and StaffProfile.objects.get(user__username="xiaowang").must_change_password
    done = client.post(
        "/console/password/", {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and client.get("/console/").status_code == 200  # still signed in
    assert not StaffProfile.objects.get(user__username="xiaowang").must_change_password


def test_a_new_admin_account_gets_a_totp_activation_code_once(admin_client, world):
    response = admin_client.post(
        "/console/staff/new/", {"username": "boss2", "name": "", "org": world.street_fed.pk, "role": "admin"}
    )
    assert response.status_code == 200 and _secret(response, "activation")
    assert StaffTOTP.objects.get(user__username="boss2").confirmed_at is None


def test_escalation_through_a_forged_form_is_refused(admin_client, client, world, personas):
    other = admin_client.post(
        "/console/staff/new/", {"username": "intruder", "org": world.other_street_fed.pk, "role": "officer"}
    )
    assert other.status_code == 400 and not StaffProfile.objects.filter(user__username="intruder").exists()
    client.force_login(personas["street"])  # an officer
    refused = client.post("/console/staff/new/", {"username": "boss3", "org": world.street_fed.pk, "role": "admin"})
    assert refused.status_code == 403 and not StaffProfile.objects.filter(user__username="boss3").exists()


def test_the_list_shows_only_accounts_in_scope_and_exports(admin_client, personas):
    html = admin_client.get("/console/staff/").content.decode()
    assert ">street<" in html and ">station<" in html and ">other_street<" not in html and ">city<" not in html
    book = load_workbook(BytesIO(admin_client.get("/console/staff/export/").content))
    usernames = {row[0] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert {"street", "viewer", "station", "street_admin"} <= usernames and "other_street" not in usernames


def test_deactivate_reset_password_and_reset_totp(admin_client, client, personas):
    officer = personas["street"].staff_profile
    assert admin_client.post(f"/console/staff/{officer.pk}/deactivate/").status_code == 302
    officer.user.refresh_from_db()
    assert not officer.user.is_active
    admin_client.post(f"/console/staff/{officer.pk}/activate/")
    password = _secret(admin_client.post(f"/console/staff/{officer.pk}/reset-password/"), "password")
    code = _secret(admin_client.post(f"/console/staff/{officer.pk}/reset-totp/"), "activation")
    assert password and code
    assert client.login(username="street", password=password)
    actions = set(AuditLog.objects.filter(object_id=str(officer.user_id)).values_list("action", flat=True))
    assert {"staff.deactivate", "staff.activate", "staff.password_reset", "totp.activation_issue"} <= actions


def test_out_of_scope_accounts_are_missing(admin_client, personas):
    other = personas["other_street"].staff_profile
    assert admin_client.get(f"/console/staff/{other.pk}/").status_code == 404
    assert admin_client.post(f"/console/staff/{other.pk}/reset-password/").status_code == 404


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    own = admin.staff_profile
    admin_client.post(f"/console/staff/{own.pk}/deactivate/")
    admin.refresh_from_db()
    assert admin.is_active


def test_a_viewer_changes_their_own_password(client, personas):
    client.force_login(personas["viewer"])
    response = client.post(
        "/console/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    personas["viewer"].refresh_from_db()
    assert personas["viewer"].check_password(NEW_PASSWORD)


def test_an_admin_moves_an_account_and_changes_its_role_audited(admin_client, client, personas, world):
    viewer = personas["viewer"].staff_profile
    page = admin_client.get(f"/console/staff/{viewer.pk}/")
    assert 'id="staff-role-form"' in page.content.decode()
    response = admin_client.post(
        f"/console/staff/{viewer.pk}/role/", {"org": world.street_union_food.pk, "role": "officer"}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.org, viewer.role) == (world.street_union_food, "officer")
    entry = AuditLog.objects.get(action="staff.change_role", object_id=str(viewer.user_id))
    assert entry.before == {"org": world.street_fed.pk, "role": "viewer"}
    assert entry.after == {"org": world.street_union_food.pk, "role": "officer"}
    assert (entry.org, entry.related_org) == (world.street_union_food, world.street_fed)
    # The new org and role apply at the user's next request.
    client.force_login(viewer.user)
    assert client.get("/console/stations/").status_code == 200
    # Saving the same values again changes nothing.
    admin_client.post(f"/console/staff/{viewer.pk}/role/", {"org": world.street_union_food.pk, "role": "officer"})
    assert AuditLog.objects.filter(action="staff.change_role").count() == 1


def test_promoting_to_admin_shows_a_totp_activation_code_once(admin_client, personas, world):
    officer = personas["street"].staff_profile
    response = admin_client.post(f"/console/staff/{officer.pk}/role/", {"org": world.street_fed.pk, "role": "admin"})
    assert response.status_code == 200 and _secret(response, "activation")
    assert StaffTOTP.objects.get(user=officer.user).confirmed_at is None
    officer.refresh_from_db()
    assert officer.role == "admin"


@pytest.mark.parametrize(
    ("target", "org", "role", "status", "code"),
    [
        # An org outside the admin's scope: another street's, or the district above.
        ("viewer", "other_street_fed", "viewer", 400, "not_in_scope"),
        ("viewer", "district", "viewer", 400, "not_in_scope"),
        # A role that does not exist (a forged "superuser").
        ("viewer", "street_fed", "superuser", 400, "bad_role"),
        # An account in another street is not the admin's: missing.
        ("other_street", "street_fed", "viewer", 404, None),
    ],
)
def test_escalation_through_role_changes_is_refused(admin_client, personas, world, target, org, role, status, code):
    profile = personas[target].staff_profile
    before = (profile.org_id, profile.role)
    response = admin_client.post(f"/console/staff/{profile.pk}/role/", {"org": getattr(world, org).pk, "role": role})
    assert response.status_code == status
    if code:
        assert code in {e["code"] for errors in response.context["errors"].values() for e in errors}
    profile.refresh_from_db()
    assert (profile.org_id, profile.role) == before
    assert not AuditLog.objects.filter(action="staff.change_role").exists()


def test_an_admin_cannot_change_their_own_role_and_officers_cannot_change_any(admin_client, admin, client, personas, world):
    own = admin.staff_profile
    response = admin_client.post(f"/console/staff/{own.pk}/role/", {"org": world.street_union_food.pk, "role": "viewer"})
    assert response.status_code == 400
    own.refresh_from_db()
    assert (own.org, own.role) == (world.street_fed, "admin")
    client.force_login(personas["street"])  # an officer makes themselves admin with a forged form
    officer = personas["street"].staff_profile
    assert client.post(f"/console/staff/{officer.pk}/role/", {"org": world.street_fed.pk, "role": "admin"}).status_code == 403
    officer.refresh_from_db()
    assert officer.role == "officer"


def test_the_rules_hold_in_the_service_too(admin, personas, world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from gongyou.core.actors import Actor
    from gongyou.core.staff import change_staff_role

    viewer = personas["viewer"].staff_profile
    with pytest.raises(PermissionDenied):  # an officer is no account manager
        change_staff_role(viewer, org=world.street_fed, role="admin", manager=personas["street"], actor=COMMAND)
    world.street_union_express.status = "dissolved"
    world.street_union_express.save()
    with pytest.raises(ValidationError):  # a dissolved org takes no accounts
        change_staff_role(viewer, org=world.street_union_express, role="viewer", manager=admin, actor=Actor.staff(admin))
