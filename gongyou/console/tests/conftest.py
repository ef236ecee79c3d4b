"""Console test data on top of the shared `world` and `personas` fixtures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gongyou.benefits.tests.conftest import make_campaign, make_member  # noqa: F401 (fixtures for the campaign pages)
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Org
from gongyou.core.services import set_approval_mode
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import FoundingTask, Membership, Transfer
from gongyou.members.services import join
from gongyou.members.transfers import request_transfer
from gongyou.positions.tests.conftest import fresh_index, make_position, workforce  # noqa: F401 (fixtures for the positions pages)


def join_worker(seq: int, **overrides: object) -> Membership:
    return join(clean_worker(worker_data(seq, **overrides)), channel="online", actor=Actor.worker()).membership


@dataclass
class ConsoleData:
    street_member: Membership  # active, 徐家汇街道外卖行业工会
    other_member: Membership  # transferring from the other street's union into 徐家汇
    applied: Membership  # waiting for approval in 徐家汇街道外卖行业工会
    transfer: Transfer  # pending: other street union → 徐家汇街道外卖行业工会
    task: FoundingTask  # open, 徐家汇街道总工会 × 无工会快递有限公司
    employees: list[Membership]


@pytest.fixture
def console_data(world, personas, settings) -> ConsoleData:
    settings.GONGYOU = {**settings.GONGYOU, "FOUNDING_TASK_THRESHOLD": 2}
    street_member = join_worker(1)
    other_member = join_worker(2, street_code=world.other_street.code, industry="express")
    transfer = request_transfer(
        other_member, world.street_union_food, initiator=Transfer.Initiator.MEMBER, actor=COMMAND, reason="换到徐家汇送外卖"
    )
    employees = [
        join_worker(10 + i, labor_relation="employee", employer_uscc=world.no_union_enterprise.uscc, industry="express")
        for i in range(2)
    ]
    set_approval_mode(world.street_union_food, approval_required=True, actor=COMMAND)
    applied = join_worker(3)
    assert applied.status == "applied"
    Org.objects.filter(pk=world.street_union_food.pk).update(approval_required=True)
    return ConsoleData(
        street_member=Membership.objects.get(pk=street_member.pk),
        other_member=Membership.objects.get(pk=other_member.pk),
        applied=applied,
        transfer=transfer,
        task=FoundingTask.objects.get(),
        employees=employees,
    )
