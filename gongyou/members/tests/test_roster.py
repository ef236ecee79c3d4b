"""upsert_roster: the service behind the partner roster API and the roster benchmark. Its fast
path (canonical rows, PostgreSQL COPY) must answer exactly like the general path."""

import random
from collections import OrderedDict

import pytest
from django.db import connection

from gongyou.core.actors import COMMAND
from gongyou.core.models import AuditLog
from gongyou.core.services import load_regions
from gongyou.core.testing import build_world, make_id_number, make_phone, make_uscc
from gongyou.core.validators import phonenumbers_says_mobile
from gongyou.members import roster
from gongyou.members.models import RosterEntry
from gongyou.members.roster import COMPARED, upsert_roster
from gongyou.members.tests.test_races import run_concurrently


def row(seq, **overrides):
    data = {
        "external_id": f"rider-{seq}",
        "name": f"骑手{seq}",
        "id_number": make_id_number(seq),
        "phone": make_phone(seq),
        "street_code": "310104014",
        "station_code": None,
        "labor_relation": "partial",
        "industry": "food_delivery",
        "active": True,
    }
    data.update(overrides)
    return data


def state(enterprise=None):
    qs = RosterEntry.objects.order_by("enterprise_id", "external_id")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return list(qs.values_list("external_id", *COMPARED, "id_enc", "phone_enc", "first_seen_at", "last_seen_at", "updated_at"))


def codes(result):
    return {r["index"]: {f: [e["code"] for e in errs] for f, errs in r["errors"].items()} for r in result.rejected}


def test_it_creates_rows_encrypted_with_hashes(world):
    result = upsert_roster(world.platform, [row(1), row(2, station_code="ST-001")], actor=COMMAND)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (2, 0, 0, [])
    entry = RosterEntry.objects.get(external_id="rider-2")
    assert entry.station == world.station and entry.street == world.street
    assert make_id_number(2) not in entry.id_enc and entry.id_masked.endswith(make_id_number(2)[-4:])
    assert entry.phone_masked == make_phone(2)[:3] + "****" + make_phone(2)[-4:]
    assert entry.first_seen_at == entry.last_seen_at == entry.updated_at
    assert AuditLog.objects.filter(action="roster.upsert").get().after == {"created": ["rider-1", "rider-2"], "updated": []}


def test_replaying_a_batch_changes_nothing(world):
    rows = [row(i) for i in range(1, 8)] + [row(9, phone="123")]
    first = upsert_roster(world.platform, rows, actor=COMMAND)
    before, audits = state(), AuditLog.objects.count()
    again = upsert_roster(world.platform, rows, actor=COMMAND)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert again.rejected == first.rejected
    assert state() == before
    assert AuditLog.objects.count() == audits


def test_it_counts_updates_and_re_encrypts_only_what_changed(world):
    upsert_roster(world.platform, [row(1), row(2), row(3)], actor=COMMAND)
    old = {e.external_id: e for e in RosterEntry.objects.all()}
    result = upsert_roster(
        world.platform, [row(1, phone=make_phone(901)), row(2, active=False), row(3)], actor=COMMAND
    )
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    new = {e.external_id: e for e in RosterEntry.objects.all()}
    assert new["rider-1"].phone_enc != old["rider-1"].phone_enc
    assert new["rider-1"].id_enc == old["rider-1"].id_enc
    assert new["rider-2"].active is False
    assert new["rider-3"].updated_at == old["rider-3"].updated_at
    assert new["rider-1"].first_seen_at == old["rider-1"].first_seen_at < new["rider-1"].updated_at
    entry = AuditLog.objects.filter(action="roster.upsert").order_by("id").last()
    # Before/after of what changed, with masked numbers only (the log is no copy of the registry).
    old_phone, new_phone = old["rider-1"].phone_masked, new["rider-1"].phone_masked
    assert entry.before == {"changes": {"rider-1": {"phone": old_phone}, "rider-2": {"active": True}}}
    assert entry.after == {
        "created": [], "updated": ["rider-1", "rider-2"],
        "changes": {"rider-1": {"phone": new_phone}, "rider-2": {"active": False}},
    }
    assert make_phone(901) not in str(entry.after)


def test_a_duplicate_external_id_in_one_batch_is_rejected(world):
    result = upsert_roster(world.platform, [row(1), row(2, external_id="rider-1"), row(3)], actor=COMMAND)
    assert (result.created, len(result.rejected)) == (2, 1)
    assert result.rejected[0]["index"] == 1 and result.rejected[0]["external_id"] == "rider-1"
    assert codes(result) == {1: {"external_id": ["duplicate_in_batch"]}}
    assert RosterEntry.objects.get(external_id="rider-1").name == "骑手1"


def test_bad_rows_do_not_block_good_ones(world):
    rows = [
        row(1),
        row(2, id_number=make_id_number(2)[:-1] + ("0" if make_id_number(2)[-1] != "0" else "1")),
        row(3, station_code="NO-SUCH-STATION"),
        row(4, employer_uscc=make_uscc(999)),
        row(5, external_id=" "),
        row(6, active="yes"),
        ["not", "an", "object"],
        row(8, industry=["food_delivery"], labor_relation={"x": 1}),
        row(9, name="", phone="1380000"),
        row(10, id_number="110101" + "20991231" + "0010"),
        row(11),
    ]
    result = upsert_roster(world.platform, rows, actor=COMMAND)
    assert result.created == 2
    assert sorted(RosterEntry.objects.values_list("external_id", flat=True)) == ["rider-1", "rider-11"]
    got = codes(result)
    assert got[1] == {"id_number": ["id_bad_check"]}
    assert got[2] == {"station_code": ["unknown_station"]}
    assert got[3] == {"employer_uscc": ["unknown_enterprise"]}
    assert got[4] == {"external_id": ["required"]}
    assert got[5] == {"active": ["bad_boolean"]}
    assert got[6] == {"row": ["bad_row"]}
    assert got[7] == {"industry": ["not_text"], "labor_relation": ["not_text"]}  # never their repr
    assert got[8] == {"name": ["required"], "phone": ["phone_wrong_length"]}
    assert set(got[9]["id_number"]) <= {"id_bad_check", "id_future_birth_date"}
    assert all(e["message"] for r in result.rejected for errs in r["errors"].values() for e in errs)


def test_names_and_external_ids_with_backslashes_and_quotes_are_stored_as_sent(world):
    """New rows go into COPY's text format written by hand, and the existing-row read passes
    the external ids as one array literal (PostgreSQL): a backslash or a double quote in free
    text must arrive as itself, on the fast path and the general path alike, and a replay must
    find the rows again."""
    rows = [
        row(1, external_id="r\\1", name="骑手\\N"),
        row(2, external_id="r\\t2\\", name=" 骑手\\\\2 ", id_number=" " + make_id_number(2)),
        row(3, external_id='r"3,{x}', name='骑手"3"'),
    ]
    result = upsert_roster(world.platform, rows, actor=COMMAND)
    assert (result.created, result.rejected) == (3, [])
    stored = dict(RosterEntry.objects.filter(enterprise=world.platform).values_list("external_id", "name"))
    assert stored == {"r\\1": "骑手\\N", "r\\t2\\": "骑手\\\\2", 'r"3,{x}': '骑手"3"'}
    assert upsert_roster(world.platform, rows, actor=COMMAND).unchanged == 3


def test_messy_but_valid_rows_store_what_canonical_rows_store(world):
    """Keyboard-mangled input takes the general path; the stored values must be identical."""
    seq = 77
    number = make_id_number(seq)
    spaced = " ".join([number[:6], number[6:14], number[14:]]).replace("X", "x")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in make_phone(seq))
    messy = OrderedDict(
        external_id=f" rider-{seq} ", name=f" 骑手{seq} ", id_number=spaced, phone="+86 " + full_width,
        street_code="310104014000", station_code=" ST-001 ", labor_relation="partial", industry="food_delivery",
        active=None, consent_version="2026-11",
    )
    upsert_roster(world.platform, [row(seq, station_code="ST-001")], actor=COMMAND)
    upsert_roster(world.agent, [messy], actor=COMMAND)
    canonical, other = state(world.platform)[0], state(world.agent)[0]
    assert canonical[:9] == other[:9]  # external_id and every compared field


def test_rows_the_general_path_cleans_are_looked_up_under_their_clean_values(world):
    """The batch's reads start before its rows are cleaned, with each row's external id and ID
    number as sent; a row cleaned into other values (spaces, a lower-case x) must still be
    found on the roster, have its recorded name checked and its member's follow-up recorded."""
    from gongyou.core.actors import Actor
    from gongyou.core.testing import worker_data
    from gongyou.members.inputs import clean_worker
    from gongyou.members.models import Membership, Outbox
    from gongyou.members.services import join

    member = join(clean_worker(worker_data(5)), channel="online", actor=Actor.worker()).membership
    Membership.objects.filter(pk=member.pk).update(status=Membership.Status.ACTIVE)
    spaced = lambda number: f" {number[:6]} {number[6:]} ".lower()  # noqa: E731
    rows = [
        row(1, external_id=" rider-1 ", id_number=spaced(make_id_number(1))),
        row(5, external_id=" rider-5", name="测试5号", id_number=spaced(make_id_number(5)), street_code="310104004"),
        row(6, external_id="rider-6 ", name="别人", id_number=spaced(make_id_number(5))),
    ]
    first = upsert_roster(world.platform, rows, actor=COMMAND)
    assert (first.created, codes(first)) == (2, {2: {"name": ["name_mismatch"]}})
    assert Outbox.objects.filter(kind=Outbox.Kind.PROPOSE_TRANSFERS).count() == 1
    again = upsert_roster(world.platform, rows, actor=COMMAND)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert RosterEntry.objects.filter(enterprise=world.platform).count() == 2


def test_mobile_validity_is_decided_by_the_number_segment():
    """validators.is_mobile_number asks phonenumbers once per 7-digit segment; sample every
    5-digit prefix to show that phonenumbers accepts or refuses all numbers of one segment."""
    rnd = random.Random(20261128)

    def accepted(number):
        try:
            return phonenumbers_says_mobile(number)
        except Exception:
            return False  # phonenumbers raising on some invalid numbers: refused either way

    for prefix in range(10000, 20000):
        segment = f"{prefix}{rnd.randrange(100):02d}"
        answers = {accepted(f"{segment}{rnd.randrange(10_000):04d}") for _ in range(3)}
        assert len(answers) == 1, segment


def test_the_sql_column_lists_match_the_model():
    columns = {f.column for f in RosterEntry._meta.concrete_fields if not f.primary_key}
    copied = roster._COPY_SQL.split("(", 1)[1].split(")", 1)[0]
    assert {c.strip() for c in copied.split(",")} == columns
    selected = roster._EXISTING_SQL.removeprefix("SELECT ").split(" FROM ")[0]
    assert [c.strip() for c in selected.split(",")] == ["external_id", "id", *COMPARED]


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def test_concurrent_replays_of_one_batch_store_it_once(tworld):
    rows = [row(i) for i in range(1, 41)]
    results, errors = run_concurrently(4, lambda i: upsert_roster(tworld.platform, rows, actor=COMMAND))
    assert errors == []
    assert sorted(r.created for r in results) == [0, 0, 0, 40]
    assert sorted(r.unchanged for r in results) == [0, 40, 40, 40]
    assert RosterEntry.objects.count() == 40


def test_unknown_streets_and_stations_are_refused_without_database_constraints(world):
    """RosterEntry's foreign keys have no database constraint (a roster import's biggest cost
    on PostgreSQL's side): the service alone keeps every stored reference real. A street or
    station code nobody knows is refused on the fast path, the general path and an update,
    and what is stored points at existing rows."""
    from gongyou.core.models import Region, Station

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'members_rosterentry'::regclass AND contype = 'f'"
            )
            assert cursor.fetchone()[0] == 0
    result = upsert_roster(
        world.platform,
        [
            row(1),
            row(2, street_code="310104999"),  # canonical form, no such street
            row(3, station_code="ST-404"),  # no such station
            row(4, street_code=" 310104999000 "),  # the general path
            row(5, station_code=" ST-404 "),
        ],
        actor=COMMAND,
    )
    assert result.created == 1
    assert {i: set(f) for i, f in codes(result).items()} == {1: {"street_code"}, 2: {"station_code"}, 3: {"street_code"}, 4: {"station_code"}}
    for changed in (row(1, street_code="310104999"), row(1, station_code="ST-404")):  # an update too
        update = upsert_roster(world.platform, [changed], actor=COMMAND)
        assert update.updated == 0 and len(update.rejected) == 1
    streets = set(Region.objects.values_list("pk", flat=True))
    stations = set(Station.objects.values_list("pk", flat=True))
    for street_id, station_id in RosterEntry.objects.values_list("street_id", "station_id"):
        assert street_id in streets and (station_id is None or station_id in stations)


def test_a_station_on_a_roster_cannot_be_deleted_through_the_orm(world):
    """PROTECT is Django's, not the database's: it still holds without the constraint."""
    from django.db.models import ProtectedError

    upsert_roster(world.platform, [row(1, station_code="ST-001")], actor=COMMAND)
    with pytest.raises(ProtectedError) as refused:
        world.station.delete()
    assert any(isinstance(o, RosterEntry) for o in refused.value.protected_objects)


def test_the_parallel_path_stores_what_the_serial_path_stores(world, monkeypatch):
    """Large batches may encrypt in worker processes (core.sealing): the rows, counts, audit
    and rejections must be those of the serial path, and every ciphertext must decrypt."""
    from gongyou.core import crypto, sealing

    monkeypatch.setattr(roster, "PARALLEL_MIN_ROWS", 5)
    rows = [row(i, station_code="ST-001" if i % 2 else None) for i in range(1, 31)]
    rows[3] = row(4, street_code="999999999")  # rejected the same way on both paths
    rows[7] = row(1)  # a repeated external id
    try:
        serial = upsert_roster(world.platform, rows, actor=COMMAND, crypto_workers=0)
        parallel = upsert_roster(world.agent, rows, actor=COMMAND, crypto_workers=2)
    finally:
        sealing.shutdown()
    assert (serial.created, serial.rejected) == (parallel.created, parallel.rejected)
    assert serial.created == 28
    a, b = state(world.platform), state(world.agent)
    # Same external ids and compared fields; ciphertexts differ (fresh nonces) but decrypt alike.
    assert [r[:9] for r in a] == [r[:9] for r in b]
    assert [(crypto.decrypt(r[9]), crypto.decrypt(r[10])) for r in a] == [(crypto.decrypt(r[9]), crypto.decrypt(r[10])) for r in b]
    masks = lambda e: list(RosterEntry.objects.filter(enterprise=e).order_by("external_id").values_list("id_masked", "phone_masked"))  # noqa: E731
    assert masks(world.platform) == masks(world.agent)
    audits = AuditLog.objects.filter(action="roster.upsert").order_by("id")
    assert len(audits) == 2 and audits[0].after == audits[1].after


def test_the_batch_sealer_agrees_with_the_module_functions():
    from gongyou.core import crypto

    sealer = crypto.Sealer()
    number, phone = make_id_number(5), make_phone(5)
    assert sealer.id_hash(number) == crypto.id_hash(number)
    assert sealer.phone_hash(phone) == crypto.phone_hash(phone)
    for kind in ("id", "phone", "phone_tail"):  # the kept HMAC states, and the general case
        assert sealer.keyed_hash(kind, phone) == crypto.keyed_hash(kind, phone)
    assert sealer.id_hash(number) == sealer.id_hash(number)  # the kept state is copied, not used up
    assert crypto.decrypt(sealer.encrypt(number)) == number
    assert sealer.encrypt(number).startswith(crypto.current_prefix())


def test_the_recorded_names_query_reads_person_columns():
    from gongyou.members.models import Membership, Person

    columns = {f.column for f in Person._meta.concrete_fields}
    selected = roster._RECORDED_NAMES_SQL.removeprefix("SELECT ").split(" FROM ")[0]
    assert {c.strip() for c in selected.split(",")} <= columns
    assert {"anonymised_at", "id_hash", "name", "id"} <= columns
    assert {"person_id", "status"} <= {f.column for f in Membership._meta.concrete_fields}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one query on PostgreSQL only")
def test_the_batch_people_read_answers_like_the_two_queries_it_replaced(world):
    """_read_people: the recorded names (not anonymised) and the active members among the
    hashes, as recorded_names and _with_active_membership answer."""
    from django.utils import timezone

    from gongyou.core import crypto
    from gongyou.core.actors import Actor
    from gongyou.core.testing import worker_data
    from gongyou.members.inputs import clean_worker
    from gongyou.members.models import Membership, Person
    from gongyou.members.services import join

    joined = [join(clean_worker(worker_data(seq)), channel="online", actor=Actor.worker()).membership for seq in (1, 2, 3)]
    Membership.objects.filter(pk__in=[joined[0].pk, joined[2].pk]).update(status=Membership.Status.ACTIVE)
    Membership.objects.filter(pk=joined[1].pk).update(status=Membership.Status.WITHDRAWN)
    Person.objects.filter(pk=joined[2].person_id).update(anonymised_at=timezone.now())
    hashes = [m.person.id_hash for m in joined] + [crypto.id_hash(make_id_number(999))]
    connection.ensure_connection()
    names, members = roster._read_people(connection.connection, list(set(hashes)))
    assert names == roster.recorded_names(hashes)
    assert members == set(roster._with_active_membership(hashes))
    assert len(names) == 2 and len(members) == 2
    assert members == set(
        Membership.objects.filter(status=Membership.Status.ACTIVE, person__id_hash__in=hashes).values_list("person__id_hash", flat=True)
    )
