"""Rotating GONGYOU_DATA_KEY (issue 13 part 4): lookups work with either key during the run and
with the new one after; the rotation is resumable; the key fingerprint follows."""

from __future__ import annotations

import secrets
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gongyou.console.filters import MemberFilter
from gongyou.console.models import StaffTOTP
from gongyou.console.services import check_totp_activation, issue_totp_activation
from gongyou.core import crypto, rotation
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.checks import DATA_KEY, RETIRING_KEY, data_key_problem, fingerprint
from gongyou.core.models import AuditLog, KeyFingerprint
from gongyou.core.testing import make_id_number, make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Person, RosterEntry
from gongyou.members.roster import upsert_roster
from gongyou.members.services import find_person, join, withdraw_consent, withdraw_membership


def do_join(seq):
    return join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker())


def roster_row(seq):
    return {
        "external_id": f"rider-{seq}",
        "name": f"测试{seq}号",  # the name on record (a different one is name_mismatch)
        "id_number": make_id_number(seq),
        "phone": make_phone(seq),
        "street_code": "310104014",
        "station_code": None,
        "labor_relation": "partial",
        "industry": "food_delivery",
        "active": True,
    }


@pytest.fixture
def sealed_world(world):
    """Members, a withdrawn (anonymised) person, roster entries and an admin's pending TOTP."""
    people = {seq: do_join(seq).membership.person for seq in (1, 2, 3)}
    withdraw_consent(people[3], actor=COMMAND)
    result = upsert_roster(world.platform, [roster_row(1), roster_row(7)], actor=COMMAND)
    assert not result.rejected, result.rejected
    admin = get_user_model().objects.create_user("rot_admin", password="x-Gongyou-2026")
    code = issue_totp_activation(admin, actor=COMMAND)
    assert data_key_problem() is None  # records the first key's fingerprint
    return people, code


def switch_to_new_key(settings) -> str:
    old = settings.GONGYOU_DATA_KEY
    settings.GONGYOU_DATA_KEY_PREVIOUS = old
    settings.GONGYOU_DATA_KEY = secrets.token_urlsafe(32)
    return old


def console_search(term: str) -> set[int]:
    """Person ids the console's member search finds for `term` (ID number, phone or tail)."""
    form = MemberFilter({"q": term}, user=get_user_model().objects.get(username="rot_admin"))
    assert form.is_valid(), form.errors
    return set(form.search(Membership.objects.all()).values_list("person_id", flat=True))


def assert_every_lookup_works(people, code, *, old_key_kept=True):
    for seq in (1, 2):
        data = worker_data(seq)
        person = find_person(data["id_number"])
        assert person == people[seq]
        assert crypto.decrypt(person.id_enc) == data["id_number"]
        assert crypto.decrypt(person.phone_enc) == data["phone"]
        # Joining again finds the same person: no second person, no second membership.
        again = do_join(seq)
        assert not again.created and again.membership.person_id == person.pk
        # The console's search by ID number, by phone, and by the phone's last four digits.
        for term in (data["id_number"], data["phone"], data["phone"][-4:]):
            assert person.pk in console_search(term), term
    entry = RosterEntry.objects.get(external_id="rider-7")
    assert crypto.decrypt(entry.id_enc) == make_id_number(7)
    device = StaffTOTP.objects.get()
    # A one-time activation code is kept only as its hash: good while the old key is kept, then
    # it must be issued again (deploy/README.md, "Rotating the data key").
    assert check_totp_activation(device, code) is old_key_kept
    assert crypto.decrypt(device.secret_enc)
    assert Person.objects.count() == 3


def test_rotation_keeps_every_lookup_working_during_and_after(sealed_world, settings):
    people, code = sealed_world
    anonymised_hash = Person.objects.get(pk=people[3].pk).id_hash
    switch_to_new_key(settings)
    assert data_key_problem() is None  # the new key in place, the rotation not yet run
    assert_every_lookup_works(people, code)  # during: rows still under the old key

    call_command("rotate_data_key", batch_size=2, stdout=mock.MagicMock())

    settings.GONGYOU_DATA_KEY_PREVIOUS = None  # after: the old key is gone
    prefix = crypto.current_prefix()
    for sealed in crypto.sealed_models():
        model = apps.get_model(sealed.model)
        for row in model._base_manager.all():
            for name in sealed.encrypted:
                value = getattr(row, name)
                assert value == "" or value.startswith(prefix), (sealed.model, name)
    for person in Person.objects.exclude(pk=people[3].pk):
        id_number = crypto.decrypt(person.id_enc)
        assert person.id_hash == crypto.id_hash(id_number)
        assert person.phone_tail_hash == crypto.phone_tail_hash(crypto.decrypt(person.phone_enc))
    entry = RosterEntry.objects.get(external_id="rider-1")
    assert entry.id_hash == crypto.id_hash(make_id_number(1)) == Person.objects.get(pk=people[1].pk).id_hash
    # The withdrawn person keeps the random hash that lets the same ID join again as new.
    assert Person.objects.get(pk=people[3].pk).id_hash == anonymised_hash
    assert_every_lookup_works(people, code, old_key_kept=False)
    assert find_person(worker_data(1)["id_number"]) == people[1]
    assert not do_join(2).created
    for term in (worker_data(2)["phone"], worker_data(2)["phone"][-4:]):
        assert people[2].pk in console_search(term)
    # The fingerprint follows the new key; nothing says a rotation is running any more.
    assert KeyFingerprint.objects.get(name=DATA_KEY).fingerprint == fingerprint(settings.GONGYOU_DATA_KEY)
    assert not KeyFingerprint.objects.filter(name=RETIRING_KEY).exists()
    assert data_key_problem() is None
    assert AuditLog.objects.filter(action="data_key.rotation_finish").count() == 1


def test_a_former_member_under_the_old_key_rejoins_as_the_same_person_during_a_rotation(sealed_world, settings):
    # The repeat lookup finds no open membership; the join must still find the person stored
    # under the retiring key's hash instead of inserting a second one under the new key's.
    people, _code = sealed_world
    withdraw_membership(Membership.objects.get(person=people[2]), reason="换工作", actor=COMMAND)
    switch_to_new_key(settings)
    again = do_join(2)
    assert again.created and again.membership.person_id == people[2].pk
    assert Person.objects.count() == 3


def test_an_interrupted_rotation_resumes_and_needs_the_old_key_until_done(sealed_world, settings):
    people, code = sealed_world
    old = switch_to_new_key(settings)
    real = rotation._rotate_row
    calls = {"n": 0}

    def dies_after_three(row, sealed):
        calls["n"] += 1
        if calls["n"] > 3:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a killed process
        return real(row, sealed)

    with mock.patch.object(rotation, "_rotate_row", dies_after_three), pytest.raises(KeyboardInterrupt):
        call_command("rotate_data_key", batch_size=1, stdout=mock.MagicMock())
    left = sum(
        rotation.pending(apps.get_model(s.model), s.encrypted).count() for s in crypto.sealed_models() if s.encrypted
    )
    assert left > 0 and calls["n"] == 4

    # Half-rotated: every lookup still works with both keys…
    assert_every_lookup_works(people, code)
    # …and a start without the retiring key is refused instead of losing the rows not yet done.
    settings.GONGYOU_DATA_KEY_PREVIOUS = None
    assert "not finished" in data_key_problem()
    # A start with only the old key is refused too: the database has moved on.
    new = settings.GONGYOU_DATA_KEY
    settings.GONGYOU_DATA_KEY = old
    assert "not the key this database was started with" in data_key_problem()

    # Run again with both keys: it carries on where it stopped and finishes.
    settings.GONGYOU_DATA_KEY, settings.GONGYOU_DATA_KEY_PREVIOUS = new, old
    result = rotation.rotate_data_key(actor=COMMAND, batch_size=100)
    assert sum(result.rows.values()) == left
    assert not any(
        rotation.pending(apps.get_model(s.model), s.encrypted).exists() for s in crypto.sealed_models() if s.encrypted
    )
    settings.GONGYOU_DATA_KEY_PREVIOUS = None
    assert data_key_problem() is None
    assert_every_lookup_works(people, code, old_key_kept=False)
    # Nothing left: a third run changes nothing.
    settings.GONGYOU_DATA_KEY_PREVIOUS = old
    assert sum(rotation.rotate_data_key(actor=COMMAND).rows.values()) == 0


def test_rotation_without_a_previous_key_is_refused(sealed_world):
    with pytest.raises(CommandError, match="GONGYOU_DATA_KEY_PREVIOUS"):
        call_command("rotate_data_key")


def test_a_previous_key_other_than_the_databases_is_refused(sealed_world, settings):
    settings.GONGYOU_DATA_KEY_PREVIOUS = secrets.token_urlsafe(32)
    settings.GONGYOU_DATA_KEY = secrets.token_urlsafe(32)
    with pytest.raises(CommandError, match="not the key this database was started with"):
        call_command("rotate_data_key")
    assert Person.objects.filter(id_enc__startswith=crypto.current_prefix()).count() == 0


def test_generate_makes_a_new_demo_key_keeps_the_old_as_previous_and_rotates(sealed_world, settings, tmp_path):
    people, code = sealed_world
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True  # the demo (pytest-django turns DEBUG off)
    old = settings.GONGYOU_DATA_KEY
    with mock.patch.dict("os.environ", {}, clear=False) as env:
        env.pop("GONGYOU_DATA_KEY", None)
        call_command("rotate_data_key", "--generate", stdout=mock.MagicMock())
    new = (tmp_path / "secrets" / "gongyou_data_key").read_text().strip()
    assert (tmp_path / "secrets" / "gongyou_data_key_previous").read_text().strip() == old
    assert new != old and new == settings.GONGYOU_DATA_KEY
    settings.GONGYOU_DATA_KEY_PREVIOUS = None
    assert_every_lookup_works(people, code, old_key_kept=False)
    assert KeyFingerprint.objects.get(name=DATA_KEY).fingerprint == fingerprint(new)


def test_generate_is_refused_outside_the_demo(sealed_world, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--generate is for the demo"):
        call_command("rotate_data_key", "--generate")


def test_decrypt_names_an_unknown_key_and_reads_legacy_v1_ciphertexts(settings):
    import base64
    import os

    key = crypto._keys(settings.GONGYOU_DATA_KEY)
    nonce = os.urandom(12)
    legacy = "v1:" + base64.b64encode(nonce + key.aead.encrypt(nonce, b"13812345678", None)).decode()
    settings.GONGYOU_DATA_KEY_PREVIOUS = settings.GONGYOU_DATA_KEY
    settings.GONGYOU_DATA_KEY = secrets.token_urlsafe(32)
    assert crypto.decrypt(legacy) == "13812345678"  # sealed before rotation existed, by the previous key
    token = crypto.encrypt("x")
    settings.GONGYOU_DATA_KEY = secrets.token_urlsafe(32)
    settings.GONGYOU_DATA_KEY_PREVIOUS = None
    with pytest.raises(ValueError, match="neither GONGYOU_DATA_KEY nor GONGYOU_DATA_KEY_PREVIOUS"):
        crypto.decrypt(token)


# Fields that look sealed but are not keyed with the data key.
# SHA-256 of a random token: no key involved, nothing to rotate.
NOT_KEYED = {("partners.PartnerCredential", "token_hash"), ("core.StaffToken", "token_hash")}


def test_every_encrypted_field_and_keyed_hash_is_registered_for_rotation():
    """A new app with an *_enc or *_hash column must declare it (crypto.register_sealed), or the
    rotation would leave it under the retired key."""
    registered = {s.model: s for s in crypto.sealed_models()}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        sealed = registered.get(label)
        for f in model._meta.concrete_fields:
            if (label, f.name) in NOT_KEYED:
                continue
            if f.name.endswith("_enc") and not (sealed and f.name in sealed.encrypted):
                missing.append(f"{label}.{f.name}")
            if f.name.endswith("_hash") and not (
                sealed and (f.name in sealed.hashes or f.name in sealed.unrebuildable)
            ):
                missing.append(f"{label}.{f.name}")
    assert missing == []
