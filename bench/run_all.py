"""Run every benchmark (`make bench`), one after the other, each in its own process with its
own throw-away PostgreSQL database where it needs one. Exit status: 0 when every target is met, otherwise the
highest status of the benchmarks (non-zero = a target missed or an error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Each with its arguments. The ledger posts 100,000 of its 1,000,000 postings through the
# service path and fills the rest in SQL: all of them one by one would take hours (bench/README.md).
BENCHMARKS = [
    ["bench_roster.py"],
    ["bench_lookup.py"],
    ["bench_positions.py"],
    ["bench_funds.py", "--postings", "1000000", "--service", "100000"],
    ["bench_benefits.py"],
    ["bench_insight.py"],
    ["bench_voice.py"],
]


def main() -> int:
    worst = 0
    for name, *args in BENCHMARKS:
        print(f"=== {name} {' '.join(args)}".rstrip(), flush=True)
        status = subprocess.run([sys.executable, str(HERE / name), *args], check=False).returncode
        worst = max(worst, status)
        print(flush=True)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
