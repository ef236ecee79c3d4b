"""Staff accounts managed by an admin: open an account for their own org or an org in its scope
with a role no higher than their own, move it to another such org or change its role under the
same rule, deactivate and reactivate it, reset its password (the user must choose a new one at
next login); and a staff user changing their own password. Every
change is audited. The rules are here, not in the pages: a forged form meets the same refusals."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gongyou.core import audit
from gongyou.core.access import org_in_scope, staff_profile
from gongyou.core.actors import Actor
from gongyou.core.models import Org, StaffProfile
from gongyou.core.services import create_staff

Role = StaffProfile.Role
ROLE_RANK = {Role.VIEWER: 0, Role.OFFICER: 1, Role.ADMIN: 2}
# No 0/O, 1/l/I: the temporary password is read out or copied by hand.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

Manager = AbstractBaseUser | AnonymousUser


def _error(field: str, message: object, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})  # type: ignore[arg-type]


def temporary_password() -> str:
    """Three groups of four from an unambiguous alphabet (about 70 bits); shown once."""
    return "-".join("".join(secrets.choice(_TEMP_ALPHABET) for _i in range(4)) for _j in range(3))


def manager_rank(manager: Manager) -> int:
    """The role rank an account manager acts with; only admins (and superusers) manage accounts."""
    if manager.is_authenticated and getattr(manager, "is_superuser", False):
        return ROLE_RANK[Role.ADMIN]
    profile = staff_profile(manager)
    if profile is None or profile.role != Role.ADMIN:
        raise PermissionDenied(_("只有管理员可以管理工作人员账号。"))
    return ROLE_RANK[Role(profile.role)]


def check_grant(manager: Manager, *, org: Org, role: str) -> None:
    """Nobody grants a role above their own, or an account in an org outside their scope."""
    rank = manager_rank(manager)
    if role not in Role.values:
        raise _error("role", _("角色取值无效"), "bad_role")
    if ROLE_RANK[Role(role)] > rank:
        raise _error("role", _("不能授予高于自己的角色"), "above_own")
    if not org_in_scope(manager, org) or org.status != Org.Status.ACTIVE:
        raise _error("org", _("只能为本组织或管辖范围内的组织开设账号"), "not_in_scope")


def check_manageable(manager: Manager, profile: StaffProfile) -> None:
    check_grant(manager, org=profile.org, role=profile.role)
    if profile.user_id == manager.pk:
        raise _error("user", _("不能对自己的账号执行这个操作"), "own_account")


@transaction.atomic
def create_staff_account(
    *, manager: Manager, username: str, name: str, org: Org, role: str, actor: Actor
) -> tuple[AbstractUser, str]:
    """Open an account; returns the user and a temporary password to hand over once. The user
    must change it at first login."""
    check_grant(manager, org=org, role=role)
    username = username.strip()
    user_model = get_user_model()
    if not username:
        raise _error("username", _("请填写用户名"), "required")
    try:
        user_model.username_validator(username)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise _error("username", _("用户名只能包含字母、数字和 @ . + - _"), "invalid") from exc
    if len(username) > 150:
        raise _error("username", _("用户名不能超过150个字符"), "too_long")
    if user_model.objects.filter(username__iexact=username).exists():
        raise _error("username", _("这个用户名已被使用"), "taken")
    name = name.strip()
    if len(name) > 150:
        raise _error("name", _("姓名不能超过150个字符"), "too_long")
    password = temporary_password()
    user = create_staff(username=username, password=password, org=org, role=role, actor=actor, name=name)
    StaffProfile.objects.filter(user_id=user.pk).update(must_change_password=True)
    return user, password


@transaction.atomic
def set_staff_active(profile: StaffProfile, *, active: bool, manager: Manager, actor: Actor) -> StaffProfile:
    """Deactivate (or reactivate) an account: an inactive user cannot sign in, and their
    session and API tokens stop working. Nobody deactivates themselves."""
    check_manageable(manager, profile)
    user = profile.user
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor,
            "staff.activate" if active else "staff.deactivate",
            user,
            before={"is_active": not active},
            after={"is_active": active},
            org=profile.org,
        )
    return profile


@transaction.atomic
def change_staff_role(profile: StaffProfile, *, org: Org, role: str, manager: Manager, actor: Actor) -> bool:
    """Move an account to another org and/or give it another role, under the same rules as
    opening one: the account must be the manager's to manage (in scope, not above their role,
    not their own), and the new org and role must be ones the manager could grant. Returns
    whether anything changed. The user's scope follows at their next request (sessions and staff
    API tokens act with the profile as it is now)."""
    check_manageable(manager, profile)
    check_grant(manager, org=org, role=role)
    locked = StaffProfile.objects.select_for_update().select_related("org").get(pk=profile.pk)
    before = {"org": locked.org_id, "role": locked.role}
    after = {"org": org.pk, "role": role}
    if before == after:
        return False
    previous_org = locked.org
    locked.org, locked.role = org, role
    locked.save(update_fields=["org", "role"])
    profile.org, profile.role = org, role
    audit.record(
        actor, "staff.change_role", locked.user, before=before, after=after, org=org, related_org=previous_org
    )
    return True


@transaction.atomic
def reset_staff_password(profile: StaffProfile, *, manager: Manager, actor: Actor) -> str:
    """A new temporary password, shown once; the user must change it at next login."""
    check_manageable(manager, profile)
    password = temporary_password()
    user = profile.user
    user.set_password(password)
    user.save(update_fields=["password"])
    StaffProfile.objects.filter(pk=profile.pk).update(must_change_password=True)
    audit.record(actor, "staff.password_reset", user, org=profile.org)
    return password


@transaction.atomic
def change_own_password(user: AbstractUser, new_password: str, *, actor: Actor) -> None:
    """A staff user's own new password, under the site's password rules (AUTH_PASSWORD_VALIDATORS);
    clears "must change"."""
    try:
        validate_password(new_password, user)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.error_list}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    profile = staff_profile(user)
    if profile is not None:
        StaffProfile.objects.filter(pk=profile.pk).update(must_change_password=False)
    audit.record(actor, "staff.password_change", user, org=profile.org if profile else None)
