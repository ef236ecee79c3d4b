"""The ledger at 1,000,000 postings on PostgreSQL (issue 11): postings go one by one through
gongyou.funds.services.post_transaction — row locks, balance check, insert, running balances
and the audit row, each in its own transaction — between the accounts of the test world; then
the trial balance over all accounts is timed, and reconcile() confirms every running balance
equals the sum of its transactions.

    .venv/bin/python bench/bench_funds.py [--postings 1000000] [--keep]

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


def post_all(count: int) -> Timer:
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
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with bench_database(keep=args.keep):
        print("Ledger benchmark")
        print_machine()
        posting = post_all(args.postings)
        rate = args.postings / posting.seconds if posting.seconds else 0.0
        print(f"  {args.postings:,} postings through post_transaction ({posting.describe()}): {rate:,.0f} postings/s")
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
