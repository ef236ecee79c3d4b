from gongyou.api.tests.conftest import roster_row
from gongyou.core.models import AuditLog
from gongyou.core.testing import make_id_number
from gongyou.members.models import Membership, Person, RosterEntry

URL = "/api/v1/partner/roster"


def post(api, workers):
    return api.post(URL, {"workers": workers}, format="json")


def bad_check(seq):
    number = make_id_number(seq)
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def codes(errors):
    return {field: [e["code"] for e in errs] for field, errs in errors.items()}


def roster_state():
    return sorted(
        RosterEntry.objects.values_list(
            "enterprise_id", "external_id", "name", "id_hash", "id_enc", "phone_enc", "street_id",
            "station_id", "labor_relation", "industry", "active", "first_seen_at", "last_seen_at", "updated_at",
        )
    )


def test_it_stores_good_rows_and_reports_bad_ones(world, api):
    rows = [
        roster_row(1),
        roster_row(2, id_number=bad_check(2)),
        roster_row(3, station_code="ST-001"),
        roster_row(4, street_code="999999999", phone="12"),
        roster_row(5, external_id=""),
        roster_row(6, street_code="310104014000"),  # the 12-digit form of a street code
        "not an object",
    ]
    response = post(api, rows)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["created", "updated", "unchanged", "rejected"]
    assert (body["created"], body["updated"], body["unchanged"]) == (3, 0, 0)
    rejected = {r["index"]: r for r in body["rejected"]}
    assert set(rejected) == {1, 3, 4, 6}
    assert all(list(r) == ["index", "external_id", "errors"] for r in body["rejected"])
    assert rejected[1]["external_id"] == "rider-2"
    assert codes(rejected[1]["errors"]) == {"id_number": ["id_bad_check"]}
    assert rejected[3]["external_id"] == "rider-4"
    assert codes(rejected[3]["errors"]) == {"street_code": ["unknown_street"], "phone": ["phone_wrong_length"]}
    assert codes(rejected[4]["errors"]) == {"external_id": ["required"]}
    assert codes(rejected[6]["errors"]) == {"row": ["bad_row"]}
    assert all(e["message"] for r in body["rejected"] for errs in r["errors"].values() for e in errs)
    stored = RosterEntry.objects.filter(enterprise=world.platform)
    assert sorted(stored.values_list("external_id", flat=True)) == ["rider-1", "rider-3", "rider-6"]
    assert stored.get(external_id="rider-3").station == world.station
    assert stored.get(external_id="rider-6").street == world.street


def test_a_roster_makes_nobody_a_member(world, api):
    post(api, [roster_row(1), roster_row(2)])
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0


def test_replaying_a_batch_changes_nothing(world, api):
    rows = [roster_row(i) for i in range(1, 6)] + [roster_row(9, phone="bad")]
    first = post(api, rows).json()
    assert (first["created"], first["updated"], first["unchanged"], len(first["rejected"])) == (5, 0, 0, 1)
    before, audits = roster_state(), AuditLog.objects.count()
    again = post(api, rows).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert again["rejected"] == first["rejected"]
    assert roster_state() == before
    assert AuditLog.objects.count() == audits


def test_it_counts_updates(world, api):
    post(api, [roster_row(1), roster_row(2), roster_row(3)])
    body = post(api, [roster_row(1, active=False), roster_row(2, phone="13912345678"), roster_row(3), roster_row(4)]).json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (1, 2, 1, [])
    entry = RosterEntry.objects.get(enterprise=world.platform, external_id="rider-2")
    assert entry.phone_masked == "139****5678"
    assert not RosterEntry.objects.get(enterprise=world.platform, external_id="rider-1").active


def test_rosters_of_two_partners_are_separate(world, api, other_api):
    post(api, [roster_row(1)])
    body = post(other_api, [roster_row(1, industry="express")]).json()
    assert body["created"] == 1
    assert RosterEntry.objects.filter(external_id="rider-1").count() == 2


def test_it_accepts_5000_rows_and_refuses_5001(world, api):
    oversized = [{"external_id": str(i)} for i in range(5001)]
    response = post(api, oversized)
    assert response.status_code == 413
    assert codes(response.json()["errors"]) == {"workers": ["batch_too_large"]}
    assert RosterEntry.objects.count() == 0
    # 5,000 rows is within the limit (these are all rejected: the point is the size check).
    response = post(api, oversized[:5000])
    assert response.status_code == 200
    assert len(response.json()["rejected"]) == 5000


def test_it_requires_a_workers_list(world, api):
    for body, code in (({}, "required"), ({"rows": []}, "required"), ({"workers": {}}, "not_a_list"), ([], "required")):
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, body
        assert codes(response.json()["errors"]) == {"workers": [code]}


def test_it_answers_malformed_json_in_the_error_shape(world, api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["detail"][0]["code"] == "parse_error"
