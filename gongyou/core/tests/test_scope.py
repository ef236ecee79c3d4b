"""Scope matrix: persona × object → visible or 404 (SPEC §9; dual management, SPEC §2)."""

import pytest
from django.http import Http404

from gongyou.core.access import get_in_scope, org_in_scope, orgs_in_scope
from gongyou.core.actors import COMMAND, Actor
from gongyou.core.models import Org
from gongyou.core.services import create_org
from gongyou.core.testing import worker_data
from gongyou.members.access import founding_tasks_for, membership_for, memberships_for, transfers_for
from gongyou.members.inputs import clean_worker
from gongyou.members.models import FoundingTask, Membership
from gongyou.members.services import join
from gongyou.members.transfers import request_transfer

ORGS = [
    "city",
    "district",
    "street_fed",
    "street_union_food",
    "platform_union",
    "agent_union",
    "station_union",
    "other_street_fed",
    "other_street_union",
]

# Which orgs each persona sees. The agent union's officer sees the station union it co-manages
# (dual management) but not the street union that is the station union's territorial parent.
VISIBLE = {
    "city": set(ORGS),
    "street": {"street_fed", "street_union_food", "platform_union", "agent_union", "station_union"},
    "viewer": {"street_fed", "street_union_food", "platform_union", "agent_union", "station_union"},
    "other_street": {"other_street_fed", "other_street_union"},
    "station": {"station_union"},
    "agent": {"agent_union", "station_union"},
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("org_name", ORGS)
def test_org_scope_matrix(world, personas, persona, org_name):
    user = personas[persona]
    org = getattr(world, org_name)
    expected = org_name in VISIBLE[persona]
    assert org_in_scope(user, org) is expected
    if expected:
        assert get_in_scope(user, Org.objects.all(), "", pk=org.pk) == org
    else:
        with pytest.raises(Http404):
            get_in_scope(user, Org.objects.all(), "", pk=org.pk)


@pytest.fixture
def members(world):
    def make(seq, **kw):
        return join(clean_worker(worker_data(seq, **kw)), channel="online", actor=Actor.worker()).membership

    return {
        "station_union": make(1, station_code=world.station.code),
        "street_union_food": make(2),
        "other_street_union": make(3, street_code=world.other_street.code, industry="express"),
        "platform_union": make(4, labor_relation="employee", employer_uscc=world.platform.uscc),
    }


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_membership_scope_matrix(world, personas, members, persona):
    user = personas[persona]
    for org_name, membership in members.items():
        assert membership.org == getattr(world, org_name)
        if org_name in VISIBLE[persona]:
            assert membership_for(user, membership.member_no) == membership
        else:
            with pytest.raises(Http404):
                membership_for(user, membership.member_no)
    expected = {m.pk for name, m in members.items() if name in VISIBLE[persona]}
    assert set(memberships_for(user).values_list("pk", flat=True)) == expected
    # The scope written out as ids (a small scope) or kept as a subquery (a larger one): the same.
    for listed_up_to in (1, 50):
        assert set(memberships_for(user, listed_up_to=listed_up_to).values_list("pk", flat=True)) == expected


def test_a_small_scope_is_written_out_and_a_larger_one_stays_a_subquery(world, personas):
    street = personas["street"]
    small = str(memberships_for(street, listed_up_to=50).query)
    assert "orgreach" not in small.lower()
    assert "orgreach" in str(memberships_for(street, listed_up_to=2).query).lower()
    assert "orgreach" in str(memberships_for(street).query).lower()


def test_transfers_are_visible_to_both_sides_only(world, personas, members):
    request_transfer(members["street_union_food"], world.other_street_union, initiator="member", actor=COMMAND)
    assert transfers_for(personas["street"]).count() == 1
    assert transfers_for(personas["other_street"]).count() == 1
    assert transfers_for(personas["station"]).count() == 0
    assert transfers_for(personas["agent"]).count() == 0


def test_founding_tasks_scoped_to_federation(world, personas):
    FoundingTask.objects.create(federation=world.street_fed, enterprise=world.no_union_enterprise, member_count=25)
    assert founding_tasks_for(personas["street"]).count() == 1
    assert founding_tasks_for(personas["city"]).count() == 1
    assert founding_tasks_for(personas["other_street"]).count() == 0
    assert founding_tasks_for(personas["station"]).count() == 0


def test_new_union_group_under_station_union_is_in_both_managers_scope(world, personas):
    group = create_org(
        name="徐家汇站第一工会小组",
        kind=Org.Kind.UNION_GROUP,
        region=world.street,
        parent=world.station_union,
        second_manager=world.agent_union,
        station=world.station,
        actor=COMMAND,
    )
    for persona in ("city", "street", "station", "agent"):
        assert org_in_scope(personas[persona], group), persona
    assert not org_in_scope(personas["other_street"], group)


def test_staff_without_profile_sees_nothing(world, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert orgs_in_scope(nobody).count() == 0
    assert not Membership.objects.none().exists()


def test_superuser_sees_everything(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert orgs_in_scope(root).count() == Org.objects.count()


def test_dual_management_does_not_leak_to_the_managers_superiors(world, personas):
    """A station union in another street, co-managed by the agent union (which is registered
    under this street's federation): its street and the agent union see it; this street's
    federation does not — it is neither in its territory nor managed by it."""
    far_station = create_station_in(world, world.other_street)
    far_union = create_org(
        name="远处站点分工会",
        kind=Org.Kind.STATION_UNION,
        region=world.other_street,
        parent=world.other_street_union,
        second_manager=world.agent_union,
        station=far_station,
        actor=COMMAND,
    )
    assert org_in_scope(personas["agent"], far_union)
    assert org_in_scope(personas["other_street"], far_union)
    assert org_in_scope(personas["city"], far_union)
    assert not org_in_scope(personas["street"], far_union)


def test_rebuild_all_reach_matches_incremental_closure(world):
    from gongyou.core.models import OrgReach
    from gongyou.core.services import rebuild_all_reach

    create_org(
        name="徐家汇站工会小组",
        kind=Org.Kind.UNION_GROUP,
        region=world.street,
        parent=world.station_union,
        second_manager=world.agent_union,
        station=world.station,
        actor=COMMAND,
    )
    incremental = set(OrgReach.objects.values_list("ancestor_id", "descendant_id"))
    rebuild_all_reach()
    assert set(OrgReach.objects.values_list("ancestor_id", "descendant_id")) == incremental


def create_station_in(world, street):
    from gongyou.core.services import create_station

    return create_station(code="ST-FAR", name="远处站", enterprise=world.agent, street=street, actor=COMMAND)


def test_both_sides_of_a_transfer_see_its_audit_entries(world, personas, members):
    from gongyou.core.access import audit_entries_for
    from gongyou.members.transfers import accept_transfer

    transfer = request_transfer(
        members["street_union_food"], world.other_street_union, initiator="member", actor=COMMAND
    )
    accept_transfer(transfer, actor=COMMAND)
    for persona in ("street", "other_street", "city"):
        actions = set(
            audit_entries_for(personas[persona]).filter(object_type="members.transfer").values_list("action", flat=True)
        )
        assert actions == {"transfer.request", "transfer.accept"}, persona
    assert not audit_entries_for(personas["station"]).filter(object_type="members.transfer").exists()


# Settings made for a place, and the city's holiday calendar, belong to no union: their audit rows
# are filed under the place's federation (the city federation for the calendar), so the admins
# answering for the place see them — before, only superusers did.
PLACE_AUDIT_SEEN_BY = {
    "region.set_point": {"city", "street", "viewer"},  # the world's street's reference point
    "funds.set_dues_schedule": {"city"},  # the district's dues (the world's district has no district-level persona)
    "position.holiday_set": {"city"},
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_audit_rows_of_places_and_the_calendar_are_seen_by_their_federations(world, personas, persona):
    import datetime as dt

    from gongyou.core.access import audit_entries_for
    from gongyou.funds.dues import set_dues_schedule
    from gongyou.positions.services import set_public_holiday, set_street_point

    set_street_point(world.street, 121.43, 31.19, approximate=False, actor=COMMAND)
    set_dues_schedule(world.street.parent, 500, "month", effective_from=dt.date(2026, 1, 1), actor=COMMAND)
    set_public_holiday(dt.date(2026, 10, 1), "国庆节", actor=COMMAND)
    seen = set(audit_entries_for(personas[persona]).filter(action__in=PLACE_AUDIT_SEEN_BY).values_list("action", flat=True))
    assert seen == {action for action, personas_ in PLACE_AUDIT_SEEN_BY.items() if persona in personas_}


def test_a_place_without_its_own_federation_is_answered_for_by_the_one_above(world):
    from gongyou.core.audit import place_federation

    assert place_federation(world.street) == world.street_fed
    assert place_federation(world.street.parent) == world.district
    assert place_federation(world.street.parent.parent) == world.city
    assert place_federation(None) == world.city
    Org.objects.filter(pk=world.street_fed.pk).update(status=Org.Status.DISSOLVED)
    assert place_federation(world.street) == world.district
