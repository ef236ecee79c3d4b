from gongyou.core.models import AuditLog
from gongyou.core.testing import make_uscc, worker_data
from gongyou.members.models import Membership, Person, RosterEntry
from gongyou.members.numbers import is_valid_member_no

URL = "/api/v1/join"


def codes(errors):
    return {field: [e["code"] for e in errs] for field, errs in errors.items()}


def test_join_creates_then_returns_the_same_membership(world, api):
    data = worker_data(1, labor_relation="independent", external_id="rider-1")
    first = api.post(URL, data, format="json")
    assert first.status_code == 201
    body = first.json()
    assert list(body) == ["member_no", "status", "union", "reason"]
    assert is_valid_member_no(body["member_no"])
    assert body["status"] == "active"
    assert body["union"] == {
        "id": world.street_union_food.pk,
        "name": world.street_union_food.name,
        "kind": "street_union",
    }
    membership = Membership.objects.get(member_no=body["member_no"])
    assert body["reason"] == membership.routing_reason != ""
    assert membership.channel == "partner" and membership.via_enterprise == world.platform
    assert AuditLog.objects.filter(action="membership.join", actor_label=f"partner:{world.platform.uscc}").exists()

    again = api.post(URL, data, format="json")
    assert again.status_code == 200
    assert again.json() == body
    assert Membership.objects.count() == 1
    # Joining is not a roster: the partner's external_id identifies the worker, nothing more.
    assert RosterEntry.objects.count() == 0


def test_an_employee_defaults_to_the_partner_as_employer(world, api):
    body = api.post(URL, worker_data(2, labor_relation="employee"), format="json").json()
    assert body["union"]["id"] == world.platform_union.pk
    assert Person.objects.get().employer == world.platform


def test_an_explicit_employer_wins(world, api):
    data = worker_data(3, labor_relation="employee", employer_uscc=world.agent.uscc, station_code="ST-001")
    body = api.post(URL, data, format="json").json()
    assert body["union"] == {"id": world.station_union.pk, "name": world.station_union.name, "kind": "station_union"}


def test_bad_input_is_400_with_codes_and_stores_nothing(world, api):
    audits = AuditLog.objects.count()
    data = worker_data(
        4,
        id_number="110101200001011234",
        phone="1391234",
        street_code="000000000",
        industry="knitting",
        labor_relation="",
        employer_uscc=make_uscc(999),
        station_code="NOPE",
        consent_version="",
    )
    response = api.post(URL, data, format="json")
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {
        "id_number": ["id_bad_check"],
        "phone": ["phone_wrong_length"],
        "street_code": ["unknown_street"],
        "industry": ["bad_industry"],
        "labor_relation": ["required"],
        "employer_uscc": ["unknown_enterprise"],
        "station_code": ["unknown_station"],
        "consent_version": ["consent_required"],
    }
    assert (Person.objects.count(), Membership.objects.count(), AuditLog.objects.count()) == (0, 0, audits)


def test_a_different_name_for_a_known_id_number_is_refused(world, api):
    api.post(URL, worker_data(5), format="json")
    response = api.post(URL, worker_data(5, name="别人"), format="json")
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {"name": ["name_mismatch"]}
    assert Membership.objects.count() == 1


def test_join_requires_an_object(world, api):
    response = api.post(URL, [worker_data(6)], format="json")
    assert response.status_code == 400
    assert codes(response.json()["errors"]) == {"non_field_errors": ["not_an_object"]}


def test_the_reason_follows_accept_language(world, api):
    response = api.post(URL, worker_data(77), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    reason = response.json()["reason"]
    assert "street union" in reason and "按属地" not in reason
    membership = Membership.objects.get(member_no=response.json()["member_no"])
    assert "按属地" in membership.routing_reason  # the record stays in Chinese


def test_external_id_is_remembered_and_cannot_name_two_people(world, api):
    from gongyou.partners.models import PartnerWorkerLink

    first = api.post(URL, worker_data(81, external_id="rider-81"), format="json")
    assert first.status_code == 201
    link = PartnerWorkerLink.objects.get(enterprise=world.platform, external_id="rider-81")
    assert link.person.memberships.get().member_no == first.json()["member_no"]
    taken = api.post(URL, worker_data(82, external_id="rider-81"), format="json")
    assert taken.status_code == 400
    assert taken.json()["errors"]["external_id"][0]["code"] == "external_id_taken"
    assert not Person.objects.filter(name=worker_data(82)["name"]).exists()
    again = api.post(URL, worker_data(81, external_id="rider-81-new"), format="json")
    assert again.status_code == 200
    assert PartnerWorkerLink.objects.get(enterprise=world.platform, person=link.person).external_id == "rider-81-new"
    assert AuditLog.objects.filter(action="partner.link_worker").count() == 2
