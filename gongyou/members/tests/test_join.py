import pytest
from django.core.exceptions import ValidationError

from gongyou.core import crypto
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.services import set_approval_mode
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Person
from gongyou.members.numbers import is_valid_member_no
from gongyou.members.services import join


def do_join(seq, channel="online", **overrides):
    return join(clean_worker(worker_data(seq, **overrides)), channel=channel, actor=Actor.worker())


def test_join_creates_active_membership_with_checked_number(world):
    result = do_join(1)
    m = result.membership
    assert result.created
    assert m.status == "active"
    assert m.org == world.street_union_food
    assert is_valid_member_no(m.member_no)
    assert m.consent_version == "2026-11" and m.consent_at is not None
    assert m.events.get().kind == "joined"
    assert AuditLog.objects.filter(action="membership.join", object_id=str(m.pk)).exists()


def test_personal_data_is_encrypted_and_masked(world):
    data = worker_data(2)
    m = do_join(2).membership
    person = Person.objects.get(pk=m.person_id)
    assert data["id_number"] not in person.id_enc
    assert crypto.decrypt(person.id_enc) == data["id_number"]
    assert crypto.decrypt(person.phone_enc) == data["phone"]
    assert person.id_masked.startswith(data["id_number"][:3]) and "*" in person.id_masked
    assert person.phone_masked == data["phone"][:3] + "****" + data["phone"][-4:]
    assert person.id_hash == crypto.id_hash(data["id_number"])


@pytest.mark.parametrize("channel", ["qr", "online", "staff", "partner", "import"])
def test_second_join_by_any_channel_returns_existing(world, channel):
    first = do_join(3).membership
    again = do_join(3, channel=channel, phone="13700000003", street_code="310104004")
    assert not again.created
    assert again.membership.pk == first.pk
    assert Membership.objects.count() == 1


def test_same_id_different_name_is_refused(world):
    do_join(4)
    with pytest.raises(ValidationError) as info:
        do_join(4, name="别人")
    assert info.value.error_dict["name"][0].code == "name_mismatch"


def test_approval_mode_gives_applied_status(world):
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    m = do_join(5).membership
    assert m.status == "applied" and m.joined_at is None


def test_bad_input_stores_nothing(world):
    with pytest.raises(ValidationError) as info:
        do_join(6, id_number="123", phone="12", street_code="999", industry="x", consent_version="")
    assert set(info.value.error_dict) == {"id_number", "phone", "street_code", "industry", "consent_version"}
    assert Person.objects.count() == 0 and Membership.objects.count() == 0


def test_rejoin_after_withdrawal_creates_new_membership(world):
    from gongyou.members.services import withdraw_membership

    first = do_join(7).membership
    withdraw_membership(first, reason="换工作", actor=COMMAND)
    second = do_join(7)
    assert second.created and second.membership.pk != first.pk
    assert Membership.objects.filter(person=first.person).count() == 2


def test_linking_a_partner_platform_is_audited_once(world):
    worker = clean_worker(worker_data(8))
    join(worker, channel="partner", actor=Actor.partner(world.platform), via_enterprise=world.platform)
    join(worker, channel="partner", actor=Actor.partner(world.platform), via_enterprise=world.platform)
    join(worker, channel="partner", actor=Actor.partner(world.agent), via_enterprise=world.agent)
    rows = AuditLog.objects.filter(action="person.add_platform")
    assert sorted(r.after["platform"] for r in rows) == sorted([world.platform.pk, world.agent.pk])


def test_a_platform_link_is_filed_under_the_members_union(world, personas):
    # Filed under no org, it was seen by superusers only; now the union's staff and those above
    # it see it, and another street does not.
    from gongyou.core.access import audit_entries_for

    worker = clean_worker(worker_data(18))
    membership = join(worker, channel="partner", actor=Actor.partner(world.platform), via_enterprise=world.platform).membership
    join(worker, channel="partner", actor=Actor.partner(world.agent), via_enterprise=world.agent)  # a repeat, a new platform
    rows = AuditLog.objects.filter(action="person.add_platform", object_id=str(membership.person_id))
    assert [r.org_id for r in rows] == [membership.org_id, membership.org_id]
    for user, sees in (("city", True), ("street", True), ("other_street", False)):
        visible = audit_entries_for(personas[user]).filter(action="person.add_platform")
        assert visible.filter(object_id=str(membership.person_id)).count() == (2 if sees else 0), user


def test_reason_is_stored_in_chinese_and_shown_in_the_readers_language(world):
    from django.utils import translation

    with translation.override("en"):
        m = do_join(9).membership
        english = m.reason_text
    assert "按属地和行业就近原则" in m.routing_reason  # the record is Chinese whatever the request's language
    assert m.events.get().note == m.routing_reason
    assert english.startswith("Joined individually") or "street union" in english.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.replace(m.org.name, "").replace(world.street.name, ""))
    assert m.reason_text == m.routing_reason  # default language: the same words
