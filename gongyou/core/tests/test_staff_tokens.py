"""Staff API tokens: hashed at rest, audited, revocable; the command prints the token alone."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog, StaffToken
from gongyou.core.services import check_staff_token, issue_staff_token, revoke_staff_token


def test_it_stores_only_prefix_and_hash_and_audits(personas, world):
    token = issue_staff_token(personas["street"], actor=COMMAND, name="扫码")
    scheme, prefix, secret = token.split("_")
    assert scheme == "gys" and len(prefix) == 8 and len(secret) == 40
    row = StaffToken.objects.get(prefix=prefix)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert secret not in row.token_hash and row.user == personas["street"] and row.name == "扫码"
    assert AuditLog.objects.filter(action="staff_token.issue", object_id=str(row.pk), org=world.street_fed).exists()


def test_check_finds_only_a_live_token(personas):
    token = issue_staff_token(personas["street"], actor=COMMAND)
    row = check_staff_token(token)
    assert row is not None and row.user == personas["street"] and row.last_used_at is not None
    scheme, prefix, secret = token.split("_")
    for bad in (f"{scheme}_{prefix}_{'x' * len(secret)}", f"gyp_{prefix}_{secret}", "gys_nope", token + "x", ""):
        assert check_staff_token(bad) is None, bad
    revoke_staff_token(row, actor=COMMAND)
    revoke_staff_token(row, actor=COMMAND)  # idempotent: one audit row
    assert check_staff_token(token) is None
    assert AuditLog.objects.filter(action="staff_token.revoke", object_id=str(row.pk)).count() == 1


def test_a_deactivated_users_token_stops_working(personas):
    token = issue_staff_token(personas["street"], actor=COMMAND)
    personas["street"].is_active = False
    personas["street"].save()
    assert check_staff_token(token) is None


def test_only_staff_accounts_get_tokens(db, django_user_model):
    plain = django_user_model.objects.create_user(username="plain", password="x")
    with pytest.raises(ValidationError) as info:
        issue_staff_token(plain, actor=COMMAND)
    assert info.value.error_dict["user"][0].code == "not_staff"


def test_the_command_prints_the_token_alone_on_the_last_line(personas):
    out = io.StringIO()
    call_command("staff_token", "station", "--name", "发放", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    row = check_staff_token(token)
    assert row is not None and row.user == personas["station"] and row.name == "发放"


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("staff_token", "nobody", stdout=io.StringIO())
