"""The two services the portal appended to members.services: change_phone and withdraw_consent."""

import pytest
from django.core.exceptions import ValidationError

from gongyou.core import crypto
from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import make_id_number, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Person, Transfer
from gongyou.members.services import change_phone, find_person, join, withdraw_consent
from gongyou.members.transfers import request_transfer

W = Actor.worker()


def test_change_phone_rejects_a_bad_number_on_the_phone_field(member):
    with pytest.raises(ValidationError) as info:
        change_phone(member.person, "12345", actor=W)
    assert info.value.error_dict["phone"][0].code == "phone_wrong_length"


def test_withdraw_consent_drops_identifying_data_and_keeps_history(member):
    person = withdraw_consent(member.person, actor=W)
    person.refresh_from_db()
    assert person.name == "已注销"
    assert crypto.decrypt(person.id_enc) == "" and crypto.decrypt(person.phone_enc) == ""
    assert person.id_masked == "" and person.phone_masked == ""
    assert person.birth_date is None and person.sex == ""
    assert person.id_hash != crypto.id_hash(make_id_number(500)) and len(person.id_hash) == 64
    assert person.phone_hash != crypto.phone_hash(worker_data(500)["phone"])
    membership = Membership.objects.get(pk=member.pk)
    assert membership.status == "withdrawn"
    assert [e.kind for e in membership.events.all()] == ["joined", "withdrawn"]
    entry = AuditLog.objects.get(action="person.withdraw_consent")
    assert entry.object_id == str(person.pk)
    assert find_person(make_id_number(500)) is None


def test_the_same_id_number_can_join_again_afterwards(member):
    withdraw_consent(member.person, actor=W)
    again = join(clean_worker(worker_data(500)), channel="online", actor=W)
    assert again.created and again.membership.person_id != member.person_id
    assert Person.objects.count() == 2


def test_withdraw_consent_cancels_a_pending_transfer_first(member, world):
    request_transfer(member, world.other_street_union, initiator="member", actor=W)
    withdraw_consent(member.person, actor=W)
    assert Transfer.objects.get().status == "cancelled"
    assert Membership.objects.get(pk=member.pk).status == "withdrawn"


def test_withdraw_consent_twice_is_refused(member):
    withdraw_consent(member.person, actor=W)
    with pytest.raises(ValidationError) as info:
        withdraw_consent(Person.objects.get(pk=member.person_id), actor=W)
    assert info.value.error_dict["person"][0].code == "already_anonymised"


def test_withdraw_consent_without_an_open_membership_keeps_it_ended(member):
    from gongyou.members.services import withdraw_membership

    withdraw_membership(member, reason="离开上海", actor=W)
    withdraw_consent(member.person, actor=W)
    assert Membership.objects.get(pk=member.pk).status == "withdrawn"
