"""Joining through a partner is one service in one transaction (issue 7, part 1.4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import Actor
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Person
from gongyou.partners import services
from gongyou.partners.models import PartnerWorkerLink


def _worker(world, seq, **overrides):
    data = {**worker_data(seq, labor_relation="employee"), "external_id": f"rider-{seq}", **overrides}
    return clean_worker(data, default_employer=world.platform)


def _counts():
    return (Person.objects.count(), Membership.objects.count(), PartnerWorkerLink.objects.count(), AuditLog.objects.count())


def test_it_joins_and_remembers_the_external_id(world):
    result = services.join_via_partner(world.platform, _worker(world, 1), actor=Actor.partner(world.platform))
    assert result.created and result.membership.channel == Membership.Channel.PARTNER
    assert result.membership.via_enterprise == world.platform
    link = PartnerWorkerLink.objects.get(enterprise=world.platform)
    assert (link.person_id, link.external_id) == (result.membership.person_id, "rider-1")


def test_a_failure_midway_leaves_nothing_stored(world, monkeypatch):
    before = _counts()

    def broken(*args, **kwargs):
        raise RuntimeError("the link could not be written")

    monkeypatch.setattr(services, "link_external_id", broken)
    with pytest.raises(RuntimeError):
        services.join_via_partner(world.platform, _worker(world, 2), actor=Actor.partner(world.platform))
    assert _counts() == before  # no person, membership, link or audit row from the failed join


def test_an_external_id_of_someone_else_is_refused_before_anything_is_stored(world):
    services.join_via_partner(world.platform, _worker(world, 3), actor=Actor.partner(world.platform))
    before = _counts()
    with pytest.raises(ValidationError) as info:
        services.join_via_partner(world.platform, _worker(world, 4, external_id="rider-3"), actor=Actor.partner(world.platform))
    assert info.value.error_dict["external_id"][0].code == "external_id_taken"
    assert _counts() == before
