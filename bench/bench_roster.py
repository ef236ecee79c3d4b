"""Roster import on PostgreSQL: 100,000 workers through gongyou.members.roster.upsert_roster in
batches of 5,000 (validation, encryption and keyed hashes included), against the ceiling of a
raw COPY of the same rows (same column set as RosterEntry, plaintext) into a plain table.

    .venv/bin/python bench/bench_roster.py [--rows 100000] [--batch 5000] [--crypto-workers N] [--profile] [--keep]

Goals (issue 13 part 5): the service path reaches at least 0.7× a raw COPY of the same rows into
members_rosterentry, and that COPY at least 0.5× the plain-table ceiling.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, bench_database, print_machine  # noqa: E402

TARGET_SERVICE_VS_REAL = 0.7
TARGET_REAL_VS_CEILING = 0.5
STATIONS = 300


def build_platform() -> tuple[Any, list[Any], list[Any]]:
    """Regions, one platform enterprise and its stations spread over the streets."""
    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Region
    from gongyou.core.services import create_station, load_regions, upsert_enterprise
    from gongyou.core.testing import make_uscc

    load_regions()
    streets = list(Region.objects.filter(level=Region.Level.STREET).order_by("code"))
    platform, _ = upsert_enterprise(
        uscc=make_uscc(7001), name="示例基准平台有限公司", industry="food_delivery", street=streets[0],
        is_head=True, actor=COMMAND,
    )
    stations = [
        create_station(code=f"BENCH-{k:04d}", name=f"基准站{k}", enterprise=platform, street=streets[(k * 37) % len(streets)], actor=COMMAND)
        for k in range(STATIONS)
    ]
    return platform, streets, stations


def make_rows(count: int, streets: list[Any], stations: list[Any]) -> list[dict[str, Any]]:
    """Partner-API shaped rows (as the JSON decoder hands them to the service)."""
    from gongyou.core.testing import make_id_number, make_phone

    rows = []
    for i in range(count):
        station = stations[i % len(stations)] if i % 5 else None
        street = station.street if station else streets[(i * 11) % len(streets)]
        rows.append(
            {
                "external_id": f"R{i:07d}",
                "name": f"骑手{i}",
                "id_number": make_id_number(1_000_000 + i),
                "phone": make_phone(20_000_000 + i),
                "street_code": street.code,
                "station_code": station.code if station else None,
                "labor_relation": ["employee", "partial", "independent"][i % 3],
                "industry": "food_delivery",
                "active": True,
            }
        )
    return rows


def _workers_cpu() -> float:
    """CPU seconds used so far by the sealing worker processes (core.sealing) of this process."""
    from gongyou.core import sealing

    total = 0.0
    pool = sealing._pool
    for pid in list(getattr(pool, "_processes", None) or {}):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def service_import(platform: Any, rows: list[dict[str, Any]], batch: int, workers: int = 0) -> tuple[Timer, dict[str, int]]:
    from gongyou.core import sealing
    from gongyou.core.actors import Actor
    from gongyou.members.roster import upsert_roster

    totals = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    actor = Actor.partner(platform)
    if workers:
        list(sealing.seal_in_workers([("110101199001011234", "13800000000")] * workers, workers=workers, chunk=1))  # start them
    before = _workers_cpu()
    with Timer() as t:
        for start in range(0, len(rows), batch):
            result = upsert_roster(platform, rows[start : start + batch], actor=actor, crypto_workers=workers)
            totals["created"] += result.created
            totals["updated"] += result.updated
            totals["unchanged"] += result.unchanged
            totals["rejected"] += len(result.rejected)
    t.workers_cpu = _workers_cpu() - before  # type: ignore[attr-defined]
    return t, totals


def plaintext_records(enterprise_id: int, rows: list[dict[str, Any]], streets: list[Any], stations: list[Any]) -> list[tuple[Any, ...]]:
    """The rows as RosterEntry's columns (in field order), plaintext: no hashing, no encryption."""
    street_ids = {s.code: s.pk for s in streets}
    station_ids = {s.code: s.pk for s in stations}
    now = dt.datetime.now(dt.UTC)
    return [
        (
            enterprise_id, r["external_id"], r["name"], r["id_number"], r["id_number"], r["id_number"],
            r["phone"], r["phone"], r["phone"], street_ids[r["street_code"]],
            station_ids.get(r["station_code"] or ""), r["labor_relation"], r["industry"], r["active"],
            now, now, now,
        )
        for r in rows
    ]


def roster_columns() -> list[Any]:
    from gongyou.members.models import RosterEntry

    return [f for f in RosterEntry._meta.concrete_fields if not f.primary_key]


def copy_into(table: str, records: list[tuple[Any, ...]]) -> Timer:
    """One COPY of all records in one transaction (commit, and so deferred checks, included)."""
    from django.db import connection, transaction

    columns = ", ".join(f.column for f in roster_columns())
    with (
        Timer() as t,
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for record in records:
            copy.write_row(record)
    return t


def copy_ceiling(platform: Any, rows: list[dict[str, Any]], streets: list[Any], stations: list[Any]) -> Timer:
    """COPY the same rows, plaintext, into a plain table with RosterEntry's columns (no
    indexes or constraints): what PostgreSQL ingests when nothing is done per row."""
    from django.db import connection

    ddl = ", ".join(f"{f.column} {f.db_type(connection)}" for f in roster_columns())
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_roster_copy")
        cursor.execute(f"CREATE TABLE bench_roster_copy ({ddl})")
    timer = copy_into("bench_roster_copy", plaintext_records(platform.pk, rows, streets, stations))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_roster_copy")
        assert cursor.fetchone()[0] == len(rows)
        cursor.execute("DROP TABLE bench_roster_copy")
    return timer


def copy_real_table(rows: list[dict[str, Any]], streets: list[Any], stations: list[Any]) -> Timer:
    """COPY the same plaintext rows into members_rosterentry itself (its four indexes; no
    foreign-key constraints since members/0013), for a second enterprise: the database's own
    share of the work."""
    from gongyou.core.actors import COMMAND
    from gongyou.core.services import upsert_enterprise
    from gongyou.core.testing import make_uscc
    from gongyou.members.models import RosterEntry

    other, _ = upsert_enterprise(
        uscc=make_uscc(7002), name="示例基准平台二有限公司", industry="food_delivery", street=streets[0], actor=COMMAND
    )
    timer = copy_into("members_rosterentry", plaintext_records(other.pk, rows, streets, stations))
    RosterEntry.objects.filter(enterprise=other).delete()
    return timer


def copy_stored_rows(platform: Any, streets: list[Any]) -> Timer:
    """COPY the rows exactly as the service stored them for `platform` (ciphertexts, keyed
    hashes, masks — encrypted at rest) into members_rosterentry for a third enterprise: the
    database's share of the service's own rows, which are longer than the plaintext above."""
    from django.db import connection

    from gongyou.core.actors import COMMAND
    from gongyou.core.services import upsert_enterprise
    from gongyou.core.testing import make_uscc
    from gongyou.members.models import RosterEntry

    other, _ = upsert_enterprise(
        uscc=make_uscc(7003), name="示例基准平台三有限公司", industry="food_delivery", street=streets[0], actor=COMMAND
    )
    columns = [f.column for f in roster_columns()]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM members_rosterentry WHERE enterprise_id = %s ORDER BY id", [platform.pk])
        stored = cursor.fetchall()
    at = columns.index("enterprise_id")
    records = [(*r[:at], other.pk, *r[at + 1 :]) for r in stored]
    timer = copy_into("members_rosterentry", records)
    RosterEntry.objects.filter(enterprise=other).delete()
    return timer


def copy_variants(platform: Any, rows: list[dict[str, Any]], streets: list[Any], stations: list[Any]) -> None:
    """The same plaintext COPY into copies of members_rosterentry with parts of its schema taken
    away: what each index and foreign key costs (bench/README.md, the FK decision)."""
    from django.db import connection

    records = plaintext_records(platform.pk, rows, streets, stations)
    # The constraints members_rosterentry had until members/0013 (Django's, deferred).
    foreign_keys = [
        (column, f"FOREIGN KEY ({column}) REFERENCES {table}(id) DEFERRABLE INITIALLY DEFERRED")
        for column, table in (("enterprise_id", "core_enterprise"), ("street_id", "core_region"), ("station_id", "core_station"))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'members_rosterentry' AND indexdef LIKE '%%(street_id)%%'"
        )
        street_index = [name for (name,) in cursor.fetchall()]
    variants = {
        "indexes, no foreign keys": (False, True),
        "indexes and the 3 foreign keys (the real table before members/0013)": (True, True),
        "no street index, no foreign keys": (False, False),
        "no street index, the 3 foreign keys": (True, False),
    }
    for label, (with_fks, with_street) in variants.items():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_roster_variant")
            cursor.execute("CREATE TABLE bench_roster_variant (LIKE members_rosterentry INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)")
            if not with_street:
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'bench_roster_variant' AND indexdef LIKE '%%(street_id)%%'"
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
            if with_fks:
                for k, (_name, definition) in enumerate(foreign_keys):
                    cursor.execute(f"ALTER TABLE bench_roster_variant ADD CONSTRAINT bench_fk_{k} {definition}")
        timer = copy_into("bench_roster_variant", records)
        print(f"  COPY variant, {label}: {len(rows) / timer.seconds:,.0f} rows/s ({timer.describe()})")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_roster_variant")
    print(f"  (street index on the real table: {street_index})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--crypto-workers", type=int, default=0, help="worker processes that encrypt new rows (GONGYOU_ROSTER_CRYPTO_WORKERS)")
    parser.add_argument("--variants", action="store_true", help="also COPY into copies of the table without its FKs / street index")
    parser.add_argument("--profile", action="store_true", help="cProfile the service path and print the top functions (slows it down)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with bench_database(keep=args.keep):
        print("Roster import benchmark")
        print_machine()
        platform, streets, stations = build_platform()
        rows = make_rows(args.rows, streets, stations)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        timer, totals = service_import(platform, rows, args.batch, args.crypto_workers)
        if profiler:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(35)
            print(out.getvalue())
        service_rate = args.rows / timer.seconds
        print(
            f"  service path: {args.rows} rows, {service_rate:,.0f} rows/s ({timer.describe()},"
            f" crypto workers {args.crypto_workers}: {timer.workers_cpu:.2f} s CPU) {totals}"  # type: ignore[attr-defined]
        )
        if totals["created"] != args.rows:
            print("  ERROR: not every row was created", file=sys.stderr)
            return 1

        replay_timer, replay = service_import(platform, rows, args.batch, args.crypto_workers)
        print(f"  replay (unchanged): {args.rows / replay_timer.seconds:,.0f} rows/s ({replay_timer.describe()}) {replay}")

        copy_timer = copy_ceiling(platform, rows, streets, stations)
        copy_rate = args.rows / copy_timer.seconds
        print(f"  raw COPY ceiling (plain table): {copy_rate:,.0f} rows/s ({copy_timer.describe()})")
        real_timer = copy_real_table(rows, streets, stations)
        real_rate = args.rows / real_timer.seconds
        print(f"  raw COPY into members_rosterentry: {real_rate:,.0f} rows/s ({real_timer.describe()})")
        stored_timer = copy_stored_rows(platform, streets)
        stored_rate = args.rows / stored_timer.seconds
        print(f"  raw COPY of the stored (encrypted) rows into members_rosterentry: {stored_rate:,.0f} rows/s ({stored_timer.describe()})")
        if args.variants:
            copy_variants(platform, rows, streets, stations)
        per = 100_000 / args.rows
        for label, tm in (
            ("service", timer),
            ("COPY into members_rosterentry", real_timer),
            ("COPY of the stored rows", stored_timer),
            ("COPY ceiling", copy_timer),
        ):
            extra = getattr(tm, "workers_cpu", 0.0)
            print(
                f"  CPU per 100,000 rows, {label}: Python {(tm.cpu + extra) * per:.2f} s"
                f" (workers {extra * per:.2f} s), PostgreSQL {(tm.backend or 0) * per:.2f} s"
            )
        met = True
        for label, ratio, goal in (
            ("service / COPY into members_rosterentry", service_rate / real_rate, TARGET_SERVICE_VS_REAL),
            ("COPY into members_rosterentry / ceiling", real_rate / copy_rate, TARGET_REAL_VS_CEILING),
            ("service / ceiling", service_rate / copy_rate, None),
            ("service / COPY of the stored (encrypted) rows", service_rate / stored_rate, None),
        ):
            verdict = "" if goal is None else (" (meets" if ratio >= goal else " (MISSES") + f" the ≥ {goal}× goal)"
            met = met and (goal is None or ratio >= goal)
            print(f"  {label}: {ratio:.2f}×{verdict}")
        return 0 if met else 2


if __name__ == "__main__":
    raise SystemExit(main())
