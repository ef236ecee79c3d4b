"""The keyed hash of a phone's last four digits follows the phone wherever it is set."""

import importlib

from django.apps import apps

from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.testing import make_phone, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Person
from gongyou.members.services import change_phone, join, withdraw_consent


def _join(seq: int) -> Person:
    return join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker()).membership.person


def test_joining_stores_the_tail_hash(world):
    person = _join(1)
    assert person.phone_tail_hash == crypto.phone_tail_hash(make_phone(1)[-4:])
    assert person.phone_tail_hash != crypto.phone_tail_hash(make_phone(2)[-4:])


def test_changing_the_phone_changes_the_tail_hash(world):
    person = change_phone(_join(1), "13812345678", actor=Actor.worker())
    person.refresh_from_db()
    assert person.phone_tail_hash == crypto.phone_tail_hash("5678")


def test_withdrawing_consent_clears_the_tail_hash(world):
    person = withdraw_consent(_join(1), actor=Actor.worker())
    person.refresh_from_db()
    assert person.phone_tail_hash == ""


def test_the_migration_backfills_people_who_joined_before_the_column(world):
    person, gone = _join(1), withdraw_consent(_join(2), actor=Actor.worker())
    Person.objects.update(phone_tail_hash="")
    migration = importlib.import_module("gongyou.members.migrations.0006_backfill_phone_tail_hash")
    migration.backfill(apps, None)
    person.refresh_from_db()
    gone.refresh_from_db()
    assert person.phone_tail_hash == crypto.phone_tail_hash(make_phone(1)[-4:])
    assert gone.phone_tail_hash == ""
