from __future__ import annotations

from gongyou.cases.models import Case, Escalation, LegalCheckup, Referral, Warning
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.testing import worker_data
from gongyou.demo.cases import seed_cases
from gongyou.members.inputs import clean_worker
from gongyou.members.services import join


def test_seed_cases_shows_every_part_and_a_second_run_adds_nothing(world):
    for seq in range(8):
        join(clean_worker(worker_data(seq, station_code=world.station.code)), channel="online", actor=Actor.worker())
    created = seed_cases(actor=COMMAND)
    assert created == Case.objects.count() >= 10
    assert set(Case.objects.values_list("type", flat=True)) == {"opinion", "complaint", "hardship", "legal_aid", "dispute"}
    assert {"submitted", "accepted", "resolved", "closed", "rejected"} <= set(Case.objects.values_list("status", flat=True))
    assert Warning.objects.filter(kind="cluster").exists() and Warning.objects.filter(level="red").exists()
    assert Referral.objects.filter(outcome="upheld").exists() and Escalation.objects.exists()
    assert LegalCheckup.objects.exists()
    assert seed_cases(actor=COMMAND) == 0
