"""Staff accounts (core.staff): an admin opens accounts in their scope with a role no higher than
their own; deactivation, password resets and own password changes; every change audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog, StaffProfile
from gongyou.core.services import create_staff
from gongyou.core.staff import (
    change_own_password,
    create_staff_account,
    reset_staff_password,
    set_staff_active,
    temporary_password,
)

Role = StaffProfile.Role


@pytest.fixture
def street_admin(world):
    return create_staff(
        username="street_admin", password=PASSWORD, org=world.street_fed, role=Role.ADMIN, actor=COMMAND
    )


def _codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]  # type: ignore[misc]


def test_an_admin_opens_an_account_below_them_that_must_change_its_password(world, street_admin):
    user, password = create_staff_account(
        manager=street_admin,
        username="xiaowang",
        name="小王",
        org=world.street_union_food,
        role=Role.OFFICER,
        actor=Actor.staff(street_admin),
    )
    profile = StaffProfile.objects.get(user=user)
    assert (profile.org, profile.role, profile.must_change_password) == (world.street_union_food, Role.OFFICER, True)
    assert authenticate(username="xiaowang", password=password) == user
    entry = AuditLog.objects.get(action="staff.create", object_id=str(user.pk))
    assert entry.actor_id == street_admin.pk and entry.after["role"] == "officer"


def test_an_officer_cannot_create_an_admin_or_any_account(world, personas):
    with pytest.raises(PermissionDenied):
        create_staff_account(
            manager=personas["street"],
            username="boss2",
            name="",
            org=world.street_fed,
            role=Role.ADMIN,
            actor=Actor.staff(personas["street"]),
        )
    with pytest.raises(PermissionDenied):
        create_staff_account(
            manager=personas["street"],
            username="helper",
            name="",
            org=world.street_fed,
            role=Role.VIEWER,
            actor=Actor.staff(personas["street"]),
        )
    assert not StaffProfile.objects.filter(user__username__in=["boss2", "helper"]).exists()


def test_an_admin_of_one_street_cannot_open_an_account_in_another_street(world, street_admin):
    for org in (world.other_street_fed, world.district, world.city):
        with pytest.raises(ValidationError) as exc:
            create_staff_account(
                manager=street_admin,
                username="intruder",
                name="",
                org=org,
                role=Role.OFFICER,
                actor=Actor.staff(street_admin),
            )
        assert _codes(exc.value, "org") == ["not_in_scope"]
    assert not StaffProfile.objects.filter(user__username="intruder").exists()


def test_a_role_above_the_managers_own_is_refused(world, street_admin, monkeypatch):
    # Admin is the top role; an officer who somehow passes the admin check still cannot grant admin.
    from gongyou.core import staff

    monkeypatch.setattr(staff, "manager_rank", lambda manager: staff.ROLE_RANK[Role.OFFICER])
    with pytest.raises(ValidationError) as exc:
        create_staff_account(
            manager=street_admin,
            username="boss3",
            name="",
            org=world.street_fed,
            role=Role.ADMIN,
            actor=Actor.staff(street_admin),
        )
    assert _codes(exc.value, "role") == ["above_own"]


def test_usernames_are_unique_ignoring_case(world, street_admin, personas):
    with pytest.raises(ValidationError) as exc:
        create_staff_account(
            manager=street_admin,
            username="STREET",
            name="",
            org=world.street_fed,
            role=Role.VIEWER,
            actor=Actor.staff(street_admin),
        )
    assert _codes(exc.value, "username") == ["taken"]


def test_deactivate_and_reset_password_are_audited_and_refused_on_oneself(world, street_admin, personas):
    officer = personas["street"].staff_profile
    set_staff_active(officer, active=False, manager=street_admin, actor=Actor.staff(street_admin))
    officer.user.refresh_from_db()
    assert officer.user.is_active is False
    assert authenticate(username="street", password=PASSWORD) is None
    set_staff_active(officer, active=True, manager=street_admin, actor=Actor.staff(street_admin))
    password = reset_staff_password(officer, manager=street_admin, actor=Actor.staff(street_admin))
    officer.refresh_from_db()
    assert officer.must_change_password and authenticate(username="street", password=password) is not None
    assert list(
        AuditLog.objects.filter(object_id=str(officer.user_id), action__startswith="staff.")
        .order_by("pk")
        .values_list("action", flat=True)
    )[-3:] == ["staff.deactivate", "staff.activate", "staff.password_reset"]
    with pytest.raises(ValidationError) as exc:
        set_staff_active(
            street_admin.staff_profile, active=False, manager=street_admin, actor=Actor.staff(street_admin)
        )
    assert _codes(exc.value, "user") == ["own_account"]


def test_an_admin_cannot_touch_accounts_outside_their_scope(world, street_admin, personas):
    other = personas["other_street"].staff_profile
    with pytest.raises(ValidationError):
        reset_staff_password(other, manager=street_admin, actor=Actor.staff(street_admin))
    with pytest.raises(ValidationError):
        set_staff_active(other, active=False, manager=street_admin, actor=Actor.staff(street_admin))
    other.user.refresh_from_db()
    assert other.user.is_active and not AuditLog.objects.filter(action="staff.password_reset").exists()


def test_own_password_change_follows_the_password_rules_and_clears_must_change(world, personas):
    user = personas["viewer"]
    StaffProfile.objects.filter(user=user).update(must_change_password=True)
    for weak in ("12345678901", "password123", "short1!"):
        with pytest.raises(ValidationError) as exc:
            change_own_password(user, weak, actor=Actor.staff(user))
        assert "new_password1" in exc.value.error_dict
    change_own_password(user, "Lanse-haiyang-77", actor=Actor.staff(user))
    assert authenticate(username="viewer", password="Lanse-haiyang-77") == user
    assert not StaffProfile.objects.get(user=user).must_change_password
    assert AuditLog.objects.filter(action="staff.password_change", object_id=str(user.pk)).exists()


def test_temporary_passwords_pass_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    for _i in range(20):
        validate_password(temporary_password())
