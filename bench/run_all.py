"""Run every benchmark (`make bench`), one after the other, each in its own process with its
own throw-away PostgreSQL database where it needs one. Exit status: 0 when every target is met, otherwise the
highest status of the benchmarks (non-zero = a target missed or an error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_roster.py", "bench_lookup.py", "bench_positions.py", "bench_insight.py"]


def main() -> int:
    worst = 0
    for name in BENCHMARKS:
        print(f"=== {name}", flush=True)
        status = subprocess.run([sys.executable, str(HERE / name)], check=False).returncode
        worst = max(worst, status)
        print(flush=True)
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
