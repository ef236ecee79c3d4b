"""Benefits at city scale (issue 8).

(a) Hand-outs through the service path: `--count` (100,000) members, loaded in bulk, each receive
    a campaign through gongyou.benefits.services.claim_benefit — member lookup by number, the
    audience rules, the pool's row lock, the unique (campaign, person) insert, the service event
    and the audit row, one transaction each — at a position of the street, whose allocation the
    hand-outs draw on. Rows/s, on PostgreSQL and on SQLite (a temporary file; run in a child
    process, since Django is started once per process).
(b) "People served" for the whole city over a calendar year on PostgreSQL: `--members`
    (1,000,000) people with active memberships and `--events` (5,000,000) service events over
    the year, generated with INSERT … SELECT generate_series in the database (not through the
    services), the indexes built after the load, then VACUUM ANALYZE; then
    gongyou.benefits.queries.people_served(None, 1 Jan, 31 Dec) — people, events, people per kind
    — timed 20 times, and the figure checked against a plain COUNT(DISTINCT).

    .venv/bin/python bench/bench_benefits.py [--count 100000] [--members 1000000]
        [--events 5000000] [--skip-sqlite] [--skip-served] [--keep]

Target: people served < 200 ms (median) on PostgreSQL. The PostgreSQL database is
`bench_benefits` on the local server unless BENCH_PG_URL names another (with "bench" in it); it
is dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_benefits")

from common import Timer, bench_database, load_average, print_machine  # noqa: E402

TARGET_SERVED_MS = 200.0
KINDS = ("handout", "checkin", "appointment", "insurance")


# --- (a) hand-outs through the service path ------------------------------------------------------


def bulk_members(world, count: int) -> list[str]:
    """`count` people with an active membership each (fake hashes: no lookup by ID number here),
    in the street union of 徐家汇; their member numbers."""
    from django.utils import timezone

    from gongyou.members.models import Membership, Person

    now = timezone.now()
    joined = now - dt.timedelta(days=400)
    numbers = []
    for start in range(0, count, 5000):
        people = Person.objects.bulk_create(
            [
                Person(
                    name=f"工友{i}", id_hash=f"bench-id-{i}", id_enc="", id_masked="3101**********001X",
                    phone_hash=f"bench-phone-{i}", phone_enc="", phone_masked="138****0000", labor_relation="independent",
                    industry="food_delivery", work_street=world.street,
                )
                for i in range(start, min(count, start + 5000))
            ]
        )  # fmt: skip
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    member_no=f"BENCH{p.pk:010d}", person=p, org=world.street_union_food, status="active",
                    mode="individual", channel="import", applied_at=joined, joined_at=joined, last_contact_at=joined,
                    consent_version="2026-11", consent_at=joined,
                )
                for p in people
            ]
        )  # fmt: skip
        numbers.extend(m.member_no for m in memberships)
    return numbers


def handouts(count: int) -> tuple[Timer, int]:
    from django.utils import timezone
    from tqdm import tqdm

    from gongyou.benefits.inputs import clean_campaign
    from gongyou.benefits.models import Claim, ServiceEvent
    from gongyou.benefits.services import allocate_quota, claim_benefit, create_campaign
    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.core.services import load_regions
    from gongyou.core.testing import build_world
    from gongyou.positions.inputs import clean_position
    from gongyou.positions.services import create_position

    load_regions()
    world = build_world()
    numbers = bulk_members(world, count)
    now = timezone.now()
    campaign = create_campaign(
        clean_campaign(
            {"kind": "summer_cooling", "title": "夏日送清凉", "quota": count + 10, "audience": {"min_member_days": 30},
             "starts_at": (now - dt.timedelta(days=1)).isoformat(), "ends_at": (now + dt.timedelta(days=90)).isoformat()}
        ),
        org=world.city,
        actor=COMMAND,
    )  # fmt: skip
    streets = {r.code: r for r in Region.objects.filter(level=Region.Level.STREET)}
    position = create_position(
        clean_position(
            {"name": "徐家汇骑手驿站", "kind": "relay_station", "org": str(world.street_fed.pk), "street": world.street.code,
             "address": "漕溪北路 1 号", "lng": "121.4370", "lat": "31.1950", "crs": "wgs84", "weekly_hours": "每天 08:00-20:00",
             "open_24h": False, "closed_on_holidays": False, "amenities": ["water"]},
            orgs={str(world.street_fed.pk): world.street_fed},
            streets=streets,
        ),
        actor=COMMAND,
    )  # fmt: skip
    allocate_quota(campaign, org=world.district, quota=count + 5, actor=COMMAND)
    allocate_quota(campaign, org=world.street_fed, quota=count + 2, actor=COMMAND)
    allocate_quota(campaign, position=position, quota=count, actor=COMMAND)
    with Timer() as t:
        for number in tqdm(numbers, desc="hand-outs", unit="row", file=sys.stderr, mininterval=2):
            claim_benefit(campaign, member_no=number, org=world.street_fed, position=position, actor=COMMAND)
    done = Claim.objects.filter(campaign=campaign).count()
    assert done == count == ServiceEvent.objects.filter(kind="handout").count(), (done, count)
    return t, done


def report_handouts(label: str, count: int) -> None:
    t, done = handouts(count)
    rate = done / t.seconds if t.seconds else 0.0
    print(f"  {label}: {done:,} hand-outs through claim_benefit ({t.describe()}): {rate:,.0f} rows/s")


def sqlite_child(count: int) -> int:
    """The hand-outs on SQLite, in this (child) process: a temporary database file."""
    folder = tempfile.mkdtemp(prefix="gongyou-bench-sqlite-")
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "gongyou.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "GONGYOU_DATA_KEY": os.urandom(32).hex(),
            "GONGYOU_VAR_DIR": folder,
            "GONGYOU_SMS_BACKEND": "gongyou.core.sms.HttpGatewayBackend",
            "GONGYOU_SMS_GATEWAY_URL": "http://127.0.0.1:9/",
            "GONGYOU_SMS_GATEWAY_TOKEN": "bench",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"  SQLite {__import__('sqlite3').sqlite_version}, load average {load_average()}")
    report_handouts("SQLite", count)
    return 0


# --- (b) people served over a year at 1,000,000 members and 5,000,000 events --------------------


def _sql(statement: str, params: list[object] | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def generate(members: int, events: int, year: int) -> Timer:
    """People, memberships and service events by INSERT … SELECT generate_series; the event
    table's indexes and constraints are dropped for the load and rebuilt from their own
    definitions afterwards (what a bulk load does), then VACUUM ANALYZE for index-only scans."""
    from django.db import connection, transaction

    from gongyou.core.models import Org, Region

    orgs = list(Org.objects.order_by("pk").values_list("pk", flat=True))
    streets = list(Region.objects.filter(level=Region.Level.STREET).order_by("code").values_list("pk", flat=True))
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with Timer() as t:
        with transaction.atomic():
            # Rows consistent by construction: skip the per-row foreign-key triggers, which
            # would otherwise run 3,000,000 deferred checks at COMMIT (bench database only).
            _sql("SET LOCAL session_replication_role = replica")
            _sql(
                "INSERT INTO members_person (name, id_hash, id_enc, id_masked, phone_hash, phone_enc, phone_masked,"
                " phone_tail_hash, sex, labor_relation, industry, work_street_id, created_at, updated_at)"
                " SELECT '工友' || g, 'bench-id-' || g, '', '3101**********001X', 'bench-phone-' || g, '', '138****0000',"
                " '', '', 'independent', 'food_delivery', (%s::bigint[])[1 + g %% %s], now(), now()"
                " FROM generate_series(1, %s) AS g",
                [streets, len(streets), members],
            )
            _sql(
                "INSERT INTO members_membership (member_no, person_id, org_id, status, mode, channel, routing_reason,"
                " routing_code, routing_params, campaign, consent_version, consent_at, applied_at, joined_at, last_contact_at)"
                " SELECT 'BENCH' || lpad(p.id::text, 10, '0'), p.id, (%s::bigint[])[1 + p.id %% %s], 'active', 'individual',"
                " 'import', '基准测试', '', '{}', '', '2026-11', now(), now(), now(), now() FROM members_person p",
                [orgs, len(orgs)],
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM members_person")
            low, high = cursor.fetchone()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'benefits_serviceevent'"
                " AND indexname NOT LIKE '%%pkey'"
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'benefits_serviceevent'::regclass"
                " AND contype IN ('u', 'f')"
            )
            constraints = cursor.fetchall()
        with transaction.atomic():
            for name, _definition in constraints:
                _sql(f'ALTER TABLE benefits_serviceevent DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                if name not in {c for c, _d in constraints}:
                    _sql(f'DROP INDEX "{name}"')
            # Persons drawn at random (some served many times, some never); the year in seconds.
            _sql(
                "INSERT INTO benefits_serviceevent (person_id, kind, org_id, position_id, street_id, at, source_id)"
                " SELECT %s + floor(random() * %s)::bigint, (%s::text[])[1 + g %% %s], (%s::bigint[])[1 + g %% %s], NULL,"
                " (%s::bigint[])[1 + g %% %s], %s::timestamptz + floor(random() * 365 * 86400) * interval '1 second', g"
                " FROM generate_series(1, %s) AS g",
                [low, high - low + 1, list(KINDS), len(KINDS), orgs, len(orgs), streets, len(streets), start, events],
            )
            for name, definition in indexes:
                if name not in {c for c, _d in constraints}:
                    _sql(definition)
            for name, definition in constraints:
                _sql(f'ALTER TABLE benefits_serviceevent ADD CONSTRAINT "{name}" {definition}')
        with transaction.atomic():
            build_rollups()
        for table in ("benefits_serviceevent", "members_person", "benefits_firstservice", "benefits_servedday"):
            _sql(f"VACUUM ANALYZE {table}")
    return t


def build_rollups() -> None:
    """What benefits.events.record_service_event keeps with every event, built in bulk from the
    loaded events: each person's first service of the year (overall and per kind), then the
    tallies per Shanghai day and kind (events that day; first services that day)."""
    local = "(at AT TIME ZONE 'Asia/Shanghai')"
    first_local = "(first_at AT TIME ZONE 'Asia/Shanghai')"
    _sql(
        "INSERT INTO benefits_firstservice (person_id, year, kind, first_at)"
        f" SELECT person_id, extract(year FROM {local})::int, '', min(at) FROM benefits_serviceevent GROUP BY 1, 2"
        f" UNION ALL SELECT person_id, extract(year FROM {local})::int, kind, min(at) FROM benefits_serviceevent"
        " GROUP BY 1, 2, 3"
    )
    _sql(
        "INSERT INTO benefits_servedday (day, kind, events, new_people)"
        " SELECT day, kind, sum(events), sum(new_people) FROM ("
        f"   SELECT {local}::date AS day, '' AS kind, count(*) AS events, 0 AS new_people FROM benefits_serviceevent GROUP BY 1"
        f"   UNION ALL SELECT {local}::date, kind, count(*), 0 FROM benefits_serviceevent GROUP BY 1, 2"
        f"   UNION ALL SELECT {first_local}::date, kind, 0, count(*) FROM benefits_firstservice GROUP BY 1, 2"
        " ) AS t GROUP BY day, kind"
    )


def time_served(year: int, runs: int = 20) -> tuple[list[float], object]:
    from gongyou.benefits.queries import people_served

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    result = people_served(None, first, last)  # warm the cache and the plans
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = people_served(None, first, last)
        timings.append((time.perf_counter() - start) * 1000)
    return timings, result


def check_served(result, year: int) -> bool:
    """The figure against COUNT(DISTINCT) over the raw events (also timed, for comparison)."""
    from django.db import connection

    with Timer() as t, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT person_id), count(*) FROM benefits_serviceevent WHERE at >= %s AND at < %s",
            [dt.datetime(year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
             dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))],
        )  # fmt: skip
        people, events = cursor.fetchone()
        cursor.execute("SELECT kind, count(DISTINCT person_id) FROM benefits_serviceevent GROUP BY kind")
        by_kind = dict(cursor.fetchall())
    print(f"  for comparison, COUNT(DISTINCT) over the events, total and per kind: {t.describe()}")
    return (result.people_served, result.events, result.by_kind) == (people, events, by_kind)


def explain(year: int) -> None:
    """The plans of the people-served queries, printed for the record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongyou.benefits.queries import people_served

    with CaptureQueriesContext(connection) as captured:
        people_served(None, dt.date(year, 1, 1), dt.date(year, 12, 31))
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="hand-outs through the service path")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-served", action="store_true")
    parser.add_argument("--skip-handouts", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the query plans of people served")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database afterwards")
    parser.add_argument("--sqlite-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sqlite_child:
        return sqlite_child(args.count)

    ok = True
    if not args.skip_handouts:
        with bench_database(keep=args.keep):
            print("Benefits benchmark")
            print_machine()
            report_handouts("PostgreSQL", args.count)
    if not args.skip_sqlite and not args.skip_handouts:
        status = subprocess.run(
            [sys.executable, __file__, "--sqlite-child", "--count", str(args.count)], check=False
        ).returncode
        ok = ok and status == 0
    if args.skip_served:
        return 0 if ok else 2
    with bench_database(keep=args.keep):
        if args.skip_handouts:
            print("Benefits benchmark")
            print_machine()
        from gongyou.core.services import load_regions
        from gongyou.core.testing import build_world

        load_regions()
        build_world()
        year = dt.date.today().year - 1
        load = generate(args.members, args.events, year)
        print(f"  generated {args.members:,} members and {args.events:,} service events in {year} ({load.describe()})")
        print(f"  load average before the query: {load_average()}")
        timings, result = time_served(year)
        median = statistics.median(timings)
        print(
            f"  people served, city, {year}: {result.people_served:,} people, {result.events:,} events,"  # type: ignore[attr-defined]
            f" by kind {result.by_kind}; median {median:.1f} ms, min {min(timings):.1f} ms, max {max(timings):.1f} ms"  # type: ignore[attr-defined]
        )
        right = check_served(result, year)
        print(f"  the figure agrees with COUNT(DISTINCT) over the raw events: {'yes' if right else 'NO'}")
        if args.explain:
            explain(year)
        met = median < TARGET_SERVED_MS and right
        print(f"  target people served < {TARGET_SERVED_MS:.0f} ms: {'meets' if met else 'MISSES'}")
        ok = ok and met
    return 0 if ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
