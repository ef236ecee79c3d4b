"""Who sees a case: staff by scope (a matrix), a worker only their own."""

from __future__ import annotations

import pytest
from django.http import Http404

from gongyou.cases.access import case_in_scope, cases_in_scope, cases_of_person, cases_of_phone, worker_case
from gongyou.cases.escalation import escalate_overdue

# persona → does it see (a member's case at the station union, a non-member's case in the other street)
SEES = {
    "city": (True, True),
    "street": (True, False),
    "other_street": (False, True),
    "station": (True, False),
    "agent": (True, False),  # dual management: the agent union manages the station union
    "viewer": (True, False),
}


@pytest.fixture
def two_cases(world, rider, make_case):
    station_case = make_case(membership=rider)
    other = make_case(street_code=world.other_street.code, phone="13900139000")
    return station_case, other


@pytest.mark.parametrize("persona", sorted(SEES))
def test_staff_see_cases_in_scope_only(personas, two_cases, persona):
    user = personas[persona]
    for case, expected in zip(two_cases, SEES[persona], strict=True):
        assert cases_in_scope(user).filter(pk=case.pk).exists() is expected
        if expected:
            assert case_in_scope(user, case.case_no.lower()) == case
        else:
            with pytest.raises(Http404):
                case_in_scope(user, case.case_no)


def test_an_escalated_case_is_seen_above_and_still_where_it_came_from(world, personas, make_case):
    case = make_case(fallback_org=world.station_union)
    escalate_overdue(case.due_at)
    assert cases_in_scope(personas["station"]).filter(pk=case.pk).exists()


def test_a_worker_never_sees_another_workers_case(world, rider, make_member, make_case):
    mine = make_case(membership=rider)
    other_member = make_member(502)
    theirs = make_case(membership=other_member)
    guest = make_case(phone="13900139000")
    assert list(cases_of_person(rider.person)) == [mine]
    with pytest.raises(Http404):
        worker_case(cases_of_person(rider.person), theirs.case_no)
    assert list(cases_of_phone("13900139000")) == [guest]
    assert not cases_of_phone("13800138001").exists()
    with pytest.raises(Http404):
        worker_case(cases_of_phone("13900139000"), mine.case_no)


def test_a_malformed_case_number_is_a_404(personas):
    with pytest.raises(Http404):
        case_in_scope(personas["city"], "../../etc")
