import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import AuditLog
from gongyou.core.services import set_approval_mode
from gongyou.core.testing import make_uscc, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, RosterEntry
from gongyou.members.roster import upsert_roster
from gongyou.members.services import (
    approve_membership,
    at_risk_memberships,
    join,
    lapse_membership,
    reinstate_membership,
    reject_application,
    reveal_person_field,
    suspend_membership,
    withdraw_membership,
)


def new_member(seq, **kw):
    return join(clean_worker(worker_data(seq, **kw)), channel="online", actor=Actor.worker()).membership


def test_approval_flow(world):
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    m = new_member(1)
    assert m.status == "applied"
    m = approve_membership(m, actor=COMMAND)
    assert m.status == "active" and m.joined_at is not None
    with pytest.raises(ValidationError):
        approve_membership(m, actor=COMMAND)


def test_rejection_needs_reason_and_frees_the_person(world):
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    m = new_member(2)
    with pytest.raises(ValidationError):
        reject_application(m, reason=" ", actor=COMMAND)
    reject_application(m, reason="非本行业", actor=COMMAND)
    again = join(clean_worker(worker_data(2)), channel="online", actor=Actor.worker())
    assert again.created


def test_suspend_reinstate_withdraw_history(world):
    m = new_member(3)
    suspend_membership(m, reason="核实身份", actor=COMMAND)
    reinstate_membership(m, actor=COMMAND)
    lapse_membership(m, reason="长期未联系", actor=COMMAND)
    reinstate_membership(m, actor=COMMAND)
    withdraw_membership(m, reason="本人申请", actor=COMMAND)
    m.refresh_from_db()
    assert m.status == "withdrawn" and m.ended_at is not None
    assert list(m.events.values_list("kind", flat=True)) == ["joined", "suspended", "reinstated", "lapsed", "reinstated", "withdrawn"]
    assert AuditLog.objects.filter(object_id=str(m.pk), action__startswith="membership.").count() == 6


def test_reveal_is_audited_and_needs_reason(world):
    data = worker_data(4)
    m = new_member(4)
    with pytest.raises(ValidationError):
        reveal_person_field(m.person, "id_number", actor=COMMAND, reason="")
    assert reveal_person_field(m.person, "id_number", actor=COMMAND, reason="核对身份") == data["id_number"]
    assert reveal_person_field(m.person, "phone", actor=COMMAND, reason="联系本人") == data["phone"]
    rows = AuditLog.objects.filter(action__startswith="reveal.", object_id=str(m.person.pk))
    assert sorted(rows.values_list("action", flat=True)) == ["reveal.id_number", "reveal.phone"]


def _row(seq, active=True, **kw):
    d = worker_data(seq)
    row = {"external_id": f"E{seq}", "name": d["name"], "id_number": d["id_number"], "phone": d["phone"],
           "street_code": d["street_code"], "station_code": None, "labor_relation": "independent", "industry": "food_delivery", "active": active}
    row.update(kw)
    return row


def test_at_risk_gone_from_every_roster_or_no_contact(world):
    on_roster, gone, silent, fine = (new_member(s) for s in (10, 11, 12, 13))
    upsert_roster(world.platform, [_row(10), _row(11)], actor=COMMAND)
    upsert_roster(world.platform, [_row(11, active=False)], actor=COMMAND)
    Membership.objects.filter(pk=silent.pk).update(last_contact_at=timezone.now() - dt.timedelta(days=400))
    risky = set(at_risk_memberships().values_list("pk", flat=True))
    assert risky == {gone.pk, silent.pk}
    assert RosterEntry.objects.count() == 2


def test_roster_shows_member_moved_street_proposes_transfer(world):
    m = new_member(20)
    upsert_roster(world.platform, [_row(20, street_code=world.other_street.code, industry="express")], actor=COMMAND)
    m.refresh_from_db()
    t = m.transfers.get()
    assert m.status == "transferring" and t.initiator == "system" and t.to_org == world.other_street_union
    assert m.org == world.street_union_food


def test_roster_for_another_employer_proposes_transfer_to_its_union(world):
    m = new_member(21, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express")
    assert m.org == world.street_union_express
    upsert_roster(world.platform, [_row(21, labor_relation="employee")], actor=COMMAND)
    t = m.transfers.get()
    assert t.to_org == world.platform_union
    assert make_uscc(1) == world.platform.uscc


def test_roster_of_a_second_platform_as_independent_is_not_a_move(world):
    m = new_member(22, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express")
    upsert_roster(world.platform, [_row(22, labor_relation="independent", industry="express")], actor=COMMAND)
    assert not m.transfers.exists()
