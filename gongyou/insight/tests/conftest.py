"""Insight test data: registry enterprises around the shared `world` (徐汇区, 徐家汇街道)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from gongyou.console.tests.conftest import join_worker
from gongyou.core.actors import COMMAND
from gongyou.core.models import Enterprise, Org, Region, StaffProfile
from gongyou.core.services import RegistryEntry, create_org, create_staff, record_registry_entry
from gongyou.core.testing import make_uscc
from gongyou.members.models import RosterEntry


def registered(
    seq: int,
    *,
    street: str | None = "310104014",
    district: str = "310104",
    industry: str = "express",
    head: bool = False,
    left: bool = False,
) -> Enterprise:
    s = Region.objects.get(code=street) if street else None
    enterprise, _ = record_registry_entry(
        RegistryEntry(
            uscc=make_uscc(500 + seq),
            name=f"登记企业{seq}",
            legal_rep="",
            industry_code="6020",
            industry=industry,
            address="",
            registry_authority="",
            registry_status="注销" if left else "存续",
            left_register=left,
            registered_on=None,
            district=Region.objects.get(code=district),
            street=s,
        ),
        actor=COMMAND,
    )
    if head:
        Enterprise.objects.filter(pk=enterprise.pk).update(is_head=True)
        enterprise.refresh_from_db()
    return enterprise


def roster(enterprise: Enterprise, n: int) -> None:
    now = timezone.now()
    RosterEntry.objects.bulk_create(
        RosterEntry(
            enterprise=enterprise,
            external_id=f"x{i}",
            name="某",
            id_hash=f"{enterprise.pk}-{i}",
            id_enc="",
            id_masked="",
            phone_hash="",
            phone_enc="",
            phone_masked="",
            street_id=enterprise.street_id,
            labor_relation="independent",
            industry="express",
            active=True,
            first_seen_at=now,
            last_seen_at=now,
            updated_at=now,
        )
        for i in range(n)
    )


@dataclass
class Gaps:
    head: Enterprise  # head enterprise, no union
    rostered: Enterprise  # 3 roster workers
    with_members: Enterprise  # 2 individual members
    plain: Enterprise  # nothing
    district_only: Enterprise  # street unknown, 徐汇区
    other_street: Enterprise  # in the other 徐汇 street
    other_district: Enterprise  # 浦东新区
    left: Enterprise  # left the register
    non_target: Enterprise  # outside the target industries
    district_user: object


@pytest.fixture
def gaps(world, personas) -> Gaps:
    head = registered(1, head=True)
    rostered = registered(2)
    roster(rostered, 3)
    with_members = registered(3)
    for i in range(2):
        join_worker(900 + i, labor_relation="employee", employer_uscc=with_members.uscc, industry="express")
    district_user = create_staff(
        username="district", password="x" * 12, org=world.district, role=StaffProfile.Role.OFFICER, actor=COMMAND
    )
    return Gaps(
        head=head,
        rostered=rostered,
        with_members=with_members,
        plain=registered(4),
        district_only=registered(5, street=None),
        other_street=registered(6, street="310104004"),
        other_district=registered(7, street="310115005", district="310115"),
        left=registered(8, left=True),
        non_target=registered(9, industry=""),
        district_user=district_user,
    )


def found_union(enterprise: Enterprise, parent: Org) -> Org:
    return create_org(
        name=f"{enterprise.name}工会",
        kind=Org.Kind.ENTERPRISE_UNION,
        region=parent.region,
        parent=parent,
        enterprise=enterprise,
        founded_on=dt.date(2024, 1, 1),
        actor=COMMAND,
    )
