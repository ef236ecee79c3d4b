"""Member lookup by resident ID number at 1,000,000 members on PostgreSQL: bulk-load people (with
real keyed hashes and ciphertexts) and their memberships by COPY, then time lookups through
gongyou.members.services.find_person (keyed hash + indexed query).

    .venv/bin/python bench/bench_lookup.py [--people 1000000] [--lookups 2000] [--keep]

Target: median < 5 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, bench_database, print_machine  # noqa: E402

TARGET_MEDIAN_MS = 5.0
SEQ0 = 3_000_000  # synthetic ID sequence numbers of the loaded people

PERSON_COLUMNS = (
    "name, id_hash, id_enc, id_masked, phone_hash, phone_enc, phone_masked, phone_tail_hash, birth_date, sex,"
    " labor_relation, industry, work_street_id, created_at, updated_at"
)
MEMBERSHIP_COLUMNS = (
    "member_no, person_id, org_id, status, mode, channel, routing_reason, routing_code, routing_params,"
    " campaign, consent_version, consent_at, applied_at, joined_at, last_contact_at"
)


def load_people(count: int) -> Timer:
    """COPY `count` people and one active membership each (streets and unions from the test world)."""
    from django.db import connection, transaction
    from tqdm import tqdm

    from gongyou.core import crypto
    from gongyou.core.services import load_regions
    from gongyou.core.testing import build_world, make_id_number, make_phone
    from gongyou.core.validators import validate_id_number
    from gongyou.members.numbers import legacy_member_no

    load_regions()
    world = build_world()
    streets = [world.street.pk, world.other_street.pk]
    unions = [world.street_union_food.pk, world.other_street_union.pk]
    now = dt.datetime.now(dt.UTC).isoformat()
    with Timer() as t:
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY members_person ({PERSON_COLUMNS}) FROM STDIN") as copy,
        ):
            for i in tqdm(range(count), desc="people", unit="row", file=sys.stderr, mininterval=2):
                number = make_id_number(SEQ0 + i)
                info = validate_id_number(number)
                phone = make_phone(SEQ0 + i)
                copy.write_row(
                    (
                        f"工友{i}", crypto.id_hash(number), crypto.encrypt(number), crypto.mask_id_number(number),
                        crypto.phone_hash(phone), crypto.encrypt(phone), crypto.mask_phone(phone),
                        crypto.phone_tail_hash(phone), info.birth_date, info.sex, "independent", "food_delivery", streets[i % 2], now, now,
                    )
                )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM members_person ORDER BY id")
            person_ids = [row[0] for row in cursor.fetchall()]
            with cursor.cursor.copy(f"COPY members_membership ({MEMBERSHIP_COLUMNS}) FROM STDIN") as copy:
                for n, person_id in enumerate(tqdm(person_ids, desc="memberships", unit="row", file=sys.stderr, mininterval=2)):
                    copy.write_row(
                        (
                            legacy_member_no(n + 1), person_id, unions[n % 2], "active", "individual", "import",
                            "基准测试批量导入", "", "{}", "", "2026-11", now, now, now, now,
                        )
                    )
            cursor.execute("SELECT setval(pg_get_serial_sequence('members_membership', 'id'), (SELECT max(id) FROM members_membership))")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE members_person")
            cursor.execute("ANALYZE members_membership")
    return t


def time_lookups(count: int, people: int, lookups: int) -> list[float]:
    from gongyou.core.testing import make_id_number
    from gongyou.members.services import find_person, open_membership

    rnd = random.Random(20261128)
    sample = [make_id_number(SEQ0 + rnd.randrange(people)) for _ in range(lookups)]
    for number in sample[:100]:  # warm the connection and the cache of the plan
        find_person(number)
    timings = []
    for number in sample:
        start = time.perf_counter()
        person = find_person(number)
        timings.append((time.perf_counter() - start) * 1000)
        assert person is not None
    # Not timed above, but checked: every person found also has their membership.
    assert open_membership(find_person(sample[0])) is not None
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with bench_database(keep=args.keep):
        print("Member lookup benchmark")
        print_machine()
        load = load_people(args.people)
        print(f"  loaded {args.people:,} people + memberships by COPY ({load.describe()})")
        timings = time_lookups(args.people, args.people, args.lookups)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=100)[94]
        print(
            f"  find_person over {args.lookups} lookups: median {median:.3f} ms, p95 {p95:.3f} ms,"
            f" max {max(timings):.3f} ms"
        )
        verdict = "meets" if median < TARGET_MEDIAN_MS else "MISSES"
        print(f"  target median < {TARGET_MEDIAN_MS} ms: {verdict}")
        return 0 if median < TARGET_MEDIAN_MS else 2


if __name__ == "__main__":
    raise SystemExit(main())
