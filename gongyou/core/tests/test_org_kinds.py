"""Which kind of union may be founded under which (create_org's rules), as one table: every kind
under every kind of parent, refused with `bad_parent` exactly where the table says no."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongyou.core.actors import COMMAND
from gongyou.core.models import Org
from gongyou.core.services import create_org, create_station, upsert_enterprise
from gongyou.core.testing import make_uscc

K = Org.Kind
CITY, DISTRICT, STREET_FED = K.CITY_FEDERATION, K.DISTRICT_FEDERATION, K.STREET_FEDERATION
STREET_U, JOINT, INDUSTRY = K.STREET_UNION, K.JOINT_UNION, K.INDUSTRY_FEDERATION

# kind → the parent kinds it may be founded under (written out, not read from the code).
RULES = {
    K.DISTRICT_FEDERATION: {CITY},
    K.INDUSTRY_FEDERATION: {CITY, DISTRICT},
    K.STREET_FEDERATION: {DISTRICT},
    K.STREET_UNION: {DISTRICT, STREET_FED},
    K.JOINT_UNION: {DISTRICT, STREET_FED, INDUSTRY},
    K.ENTERPRISE_UNION: {CITY, DISTRICT, STREET_FED, INDUSTRY},
    K.HQ_UNION: {CITY, DISTRICT, STREET_FED, INDUSTRY},
    K.AGENT_UNION: {DISTRICT, STREET_FED, INDUSTRY},
    K.STATION_UNION: {STREET_U, JOINT, STREET_FED},
    K.UNION_GROUP: {K.STATION_UNION, STREET_U, JOINT, STREET_FED},
}
PARENT_KINDS = [k for k in K if k != K.UNION_GROUP]


@pytest.fixture
def parents(world):
    """One active org of every kind that can be a parent."""
    found = {
        CITY: world.city,
        DISTRICT: world.district,
        STREET_FED: world.street_fed,
        STREET_U: world.street_union_food,
        K.HQ_UNION: world.platform_union,
        K.AGENT_UNION: world.agent_union,
        K.STATION_UNION: world.station_union,
    }
    found[JOINT] = create_org(name="联合工会", kind=JOINT, region=world.street, parent=world.street_fed, actor=COMMAND)
    found[INDUSTRY] = create_org(
        name="快递行业工会联合会", kind=INDUSTRY, region=world.district.region, parent=world.district, actor=COMMAND
    )
    e, _ = upsert_enterprise(uscc=make_uscc(77), name="某企业", industry="express", street=world.street, actor=COMMAND)
    found[K.ENTERPRISE_UNION] = create_org(
        name="某企业工会",
        kind=K.ENTERPRISE_UNION,
        region=world.street,
        parent=world.street_fed,
        enterprise=e,
        actor=COMMAND,
    )
    return found


def _attempt(world, kind, parent, seq):
    enterprise = station = manager = None
    region = world.street
    if kind == K.DISTRICT_FEDERATION:
        region = world.district.region.parent or world.district.region
    if kind in Org.ENTERPRISE_KINDS:
        enterprise, _ = upsert_enterprise(
            uscc=make_uscc(100 + seq), name=f"企业{seq}", industry="express", street=world.street, actor=COMMAND
        )
    if kind in Org.STATION_KINDS:
        station = create_station(
            code=f"T-{seq}", name=f"站{seq}", enterprise=world.agent, street=world.street, actor=COMMAND
        )
        manager = world.agent_union
    return create_org(
        name=f"组织{seq}",
        kind=kind,
        region=region,
        parent=parent,
        enterprise=enterprise,
        station=station,
        second_manager=manager,
        founded_on=dt.date(2025, 5, 1),
        actor=COMMAND,
    )


def test_every_kind_under_every_parent_kind(world, parents):
    seq = 0
    for kind, allowed in RULES.items():
        for parent_kind in PARENT_KINDS:
            seq += 1
            parent = parents[parent_kind]
            if parent_kind in allowed:
                org = _attempt(world, kind, parent, seq)
                assert (org.kind, org.parent) == (kind, parent)
            else:
                with pytest.raises(ValidationError) as exc:
                    _attempt(world, kind, parent, seq)
                assert [e.code for e in exc.value.error_dict["parent"]] == ["bad_parent"], (kind, parent_kind)


def test_the_city_federation_has_no_parent_and_everything_else_needs_one(world):
    with pytest.raises(ValidationError) as exc:
        create_org(name="又一个市总", kind=CITY, region=world.city.region, parent=world.district, actor=COMMAND)
    assert [e.code for e in exc.value.error_dict["parent"]] == ["parent_not_allowed"]
    with pytest.raises(ValidationError) as exc:
        create_org(name="无上级", kind=STREET_U, region=world.street, actor=COMMAND)
    assert [e.code for e in exc.value.error_dict["parent"]] == ["bad_parent"]


def test_kinds_that_need_an_enterprise_a_station_or_a_second_manager(world):
    with pytest.raises(ValidationError) as exc:
        create_org(name="缺企业", kind=K.ENTERPRISE_UNION, region=world.street, parent=world.street_fed, actor=COMMAND)
    assert "enterprise" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        create_org(
            name="缺双重管理",
            kind=K.STATION_UNION,
            region=world.street,
            parent=world.street_union_food,
            station=world.bare_station,
            actor=COMMAND,
        )
    assert "second_manager" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        create_org(
            name="多余的双重管理",
            kind=STREET_U,
            region=world.street,
            parent=world.street_fed,
            second_manager=world.agent_union,
            actor=COMMAND,
        )
    assert "second_manager" in exc.value.error_dict
