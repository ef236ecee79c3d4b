"""What a partner join costs in queries (issue 13 part 6): a regression here is a regression in
the load figures of bench/README.md. Counted through the whole request — token, input cleaning,
the join service, the answer — without SAVEPOINT/RELEASE, which depend on the test's own
transaction."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.core.testing import worker_data
from gongyou.members.models import Membership, Person
from gongyou.members.services import withdraw_membership

URL = "/api/v1/join"


def statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def post(api, data, expected):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(URL, data, format="json")
    assert response.status_code == expected, response.content
    return statements(ctx)


def test_a_new_join_costs_a_fixed_handful_of_queries(world, api):
    post(api, worker_data(99, external_id="r-99"), 201)  # the token's last-use stamp is written once a minute
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(URL, worker_data(1, external_id="r-1"), format="json").status_code == 201
    sql = statements(ctx)
    # token, repeat lookup (a miss; the street was kept from the first join), person insert (the miss says the person is new: no
    # locking read first), platform link, routing, membership (with its number), event, link
    # insert (which also says whether the external id is someone else's: no check first), link's
    # home org, and one INSERT for the three audit rows (platform link, join, external id)
    assert len(sql) == 10, "\n".join(sql)
    assert not [s for s in sql if 'FROM "core_region"' in s]
    assert not [s for s in sql if s.startswith('SELECT "members_person"') or s.startswith('SELECT "partners_partnerworkerlink"')]
    # One atomic block, the join attempt (the transaction itself in production; a savepoint in the
    # test's transaction here): a lost race on the person or the number retries the whole attempt.
    savepoints = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1, savepoints
    audit_inserts = [s for s in sql if s.startswith('INSERT INTO "core_auditlog"')]
    assert len(audit_inserts) == 1 and audit_inserts[0].count("partner:") == 3


def test_a_repeat_join_is_one_indexed_lookup(world, api):
    data = worker_data(2, external_id="r-2")
    post(api, data, 201)
    sql = post(api, data, 200)
    # the token (the street of the input is kept from the first join), then one lookup answers:
    # membership, person, union, platform link and the platform's id for the person in one query —
    # no lock, no write.
    assert len(sql) == 2, "\n".join(sql)
    assert all(s.startswith("SELECT") for s in sql)
    assert "FOR UPDATE" not in sql[-1]


def test_a_repeat_join_refreshes_the_last_contact_at_most_hourly(world, api):
    data = worker_data(3, external_id="r-3")
    post(api, data, 201)
    membership = Membership.objects.get()
    long_ago = timezone.now() - dt.timedelta(days=30)
    Membership.objects.filter(pk=membership.pk).update(last_contact_at=long_ago)
    sql = post(api, data, 200)
    assert len(sql) == 3 and sql[-1].startswith("UPDATE")
    membership.refresh_from_db()
    assert membership.last_contact_at > long_ago
    assert len(post(api, data, 200)) == 2


def test_a_repeat_join_with_a_new_external_id_still_checks_and_records_it(world, api):
    post(api, worker_data(4, external_id="r-4"), 201)
    sql = post(api, worker_data(4, external_id="r-4-new"), 200)
    assert any("partners_partnerworkerlink" in s and s.startswith("UPDATE") for s in sql)
    post(api, worker_data(5, external_id="r-5"), 201)
    taken = api.post(URL, worker_data(4, external_id="r-5"), format="json")
    assert taken.status_code == 400
    assert taken.json()["errors"]["external_id"][0]["code"] == "external_id_taken"


def test_a_repeat_join_opens_no_transaction(world, api):
    # Read-only: no atomic block, so no BEGIN/COMMIT in production (a SAVEPOINT inside the test's
    # own transaction here) — one round trip and a commit less per repeat.
    data = worker_data(6, external_id="r-6")
    post(api, data, 201)
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(URL, data, format="json").status_code == 200
    assert not [q for q in ctx.captured_queries if "SAVEPOINT" in q["sql"]]
    assert len(ctx.captured_queries) == 2


def test_a_former_member_rejoins_although_the_first_attempt_guessed_a_new_person(world, api):
    # The repeat lookup finds no open membership, so the first attempt inserts the person straight
    # away; they exist (withdrawn), the unique index refuses, and the next attempt locks and reuses them.
    data = worker_data(7, external_id="r-7")
    post(api, data, 201)
    first = Membership.objects.get()
    withdraw_membership(first, reason="换工作", actor=COMMAND)
    audit_before = AuditLog.objects.count()
    sql = post(api, data, 201)
    assert Person.objects.count() == 1
    again = Membership.objects.exclude(pk=first.pk).get()
    assert again.person_id == first.person_id and again.status == Membership.Status.ACTIVE
    reads = [s for s in sql if s.startswith('SELECT "members_person"')]  # the second attempt's locking read
    assert len(reads) == 1 and ("FOR UPDATE" in reads[0] or connection.vendor == "sqlite")
    # Only the successful attempt's audit row (the join; the platform and the external id were already linked).
    assert list(AuditLog.objects.order_by("pk").values_list("action", flat=True)[audit_before:]) == ["membership.join"]
