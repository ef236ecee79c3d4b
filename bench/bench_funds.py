"""The ledger at 1,000,000 postings on PostgreSQL (issue 11): postings go one by one through
gongyou.funds.services.post_transaction — row locks, balance check, insert, running balances
and the audit row, each in its own transaction — between the accounts of the test world; then
the trial balance over all accounts is timed, and reconcile() confirms every running balance
equals the sum of its transactions.

    .venv/bin/python bench/bench_funds.py [--postings 1000000] [--service 1000000] [--keep]

`--service N` posts only the first N through the service path (its rate is the postings/s
figure) and fills the rest up to `--postings` with one bulk INSERT … SELECT in SQL (same
accounts, amounts and shape, no audit rows), then sets the running balances from the
transactions, so the trial balance and reconcile() are timed over the full count even when the
service path is too slow on a shared machine to post all of them one by one.

Target: trial balance < 500 ms (and 0); postings/s is reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Timer, bench_database, print_machine  # noqa: E402

TARGET_TRIAL_MS = 500.0


def post_all(count: int) -> tuple[Timer, list[int]]:
    from tqdm import tqdm

    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Org
    from gongyou.core.services import load_regions
    from gongyou.core.testing import build_world
    from gongyou.funds.inputs import clean_posting
    from gongyou.funds.services import open_account, post_transaction

    load_regions()
    build_world()
    orgs = list(Org.objects.order_by("pk"))
    sources = [
        open_account(org, "city_finance" if i == 0 else "union_street", actor=COMMAND) for i, org in enumerate(orgs)
    ]
    source, funds = sources[0], sources[1:]
    with Timer() as t:
        for i in tqdm(range(count), desc="postings", unit="txn", file=sys.stderr, mininterval=2):
            # Mostly money in from the source; every fourth moves on between funds (never overdrawn:
            # it moves 1 fen out of a fund that has received at least 100).
            if i % 4 == 3 and i > len(funds) * 4:
                a, b = funds[i % len(funds)], funds[(i + 1) % len(funds)]
                post_transaction(a, b, clean_posting({"amount_fen": 1}), actor=COMMAND)
            else:
                post_transaction(
                    source, funds[i % len(funds)], clean_posting({"amount_fen": 100 + i % 900}), actor=COMMAND
                )
    return t, [a.pk for a in sources]


BULK_SQL = """
INSERT INTO funds_transaction
    (from_account_id, to_account_id, amount_fen, kind, memo, value_date, posted_at, posted_by)
SELECT CASE WHEN g %% 4 = 3 THEN funds[1 + g %% n] ELSE src END,
       CASE WHEN g %% 4 = 3 THEN funds[1 + (g + 1) %% n] ELSE funds[1 + g %% n] END,
       CASE WHEN g %% 4 = 3 THEN 1 ELSE 100 + g %% 900 END,
       'transfer', '', CURRENT_DATE - (g %% 365)::int, now(), 'bench-bulk'
FROM generate_series(%(start)s, %(stop)s - 1) AS g,
     (SELECT %(src)s::bigint AS src, %(funds)s::bigint[] AS funds, %(n)s::int AS n) AS p
"""

# The running balances of the bulk-filled rows, from the transactions (what _post would have done).
REBALANCE_SQL = """
UPDATE funds_account a SET balance_fen = d.total
FROM (
    SELECT id, COALESCE(i.s, 0) - COALESCE(o.s, 0) AS total FROM funds_account
    LEFT JOIN (SELECT to_account_id, SUM(amount_fen) s FROM funds_transaction GROUP BY 1) i ON i.to_account_id = id
    LEFT JOIN (SELECT from_account_id, SUM(amount_fen) s FROM funds_transaction GROUP BY 1) o ON o.from_account_id = id
) d WHERE a.id = d.id
"""


def bulk_fill(start: int, stop: int, account_ids: list[int]) -> Timer:
    """Rows start..stop-1 in SQL. Every fourth moves 1 fen between funds, which by then hold
    thousands of fen each, so no fund that may not go negative ends below zero."""
    from django.db import connection, transaction

    src, funds = account_ids[0], account_ids[1:]
    with Timer() as t, transaction.atomic(), connection.cursor() as cursor:
        for lo in range(start, stop, 200_000):
            hi = min(stop, lo + 200_000)
            cursor.execute(BULK_SQL, {"start": lo, "stop": hi, "src": src, "funds": funds, "n": len(funds)})
        cursor.execute(REBALANCE_SQL)
        cursor.execute("ANALYZE funds_transaction")
    return t


def time_trial_balance(runs: int = 20) -> tuple[list[float], int]:
    from gongyou.funds.models import Account
    from gongyou.funds.reports import trial_balance

    timings, total = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        total = trial_balance(Account.objects.all()).total_fen
        timings.append((time.perf_counter() - start) * 1000)
    return timings, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--service", type=int, default=None, help="post only these through the service path")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with bench_database(keep=args.keep):
        print("Ledger benchmark")
        print_machine()
        service = min(args.postings, args.service if args.service is not None else args.postings)
        posting, account_ids = post_all(service)
        rate = service / posting.seconds if posting.seconds else 0.0
        print(f"  {service:,} postings through post_transaction ({posting.describe()}): {rate:,.0f} postings/s")
        if service < args.postings:
            filled = bulk_fill(service, args.postings, account_ids)
            print(f"  {args.postings - service:,} more by bulk SQL INSERT … SELECT ({filled.describe()})")
        from gongyou.funds.models import Transaction

        print(f"  transactions in the ledger: {Transaction.objects.count():,}")
        timings, total = time_trial_balance()
        median = statistics.median(timings)
        print(f"  trial balance: total {total} fen, median {median:.2f} ms, max {max(timings):.2f} ms")
        from gongyou.funds.reports import reconcile

        start = time.perf_counter()
        drift = reconcile()
        print(
            f"  reconcile over every account: {len(drift)} mismatches ({(time.perf_counter() - start) * 1000:.0f} ms)"
        )
        ok = median < TARGET_TRIAL_MS and total == 0 and not drift
        print(f"  target trial balance < {TARGET_TRIAL_MS} ms and 0, reconcile clean: {'meets' if ok else 'MISSES'}")
        return 0 if ok else 2


if __name__ == "__main__":
    raise SystemExit(main())
