"""Service positions, in process (no database): nearest query over 10,000 positions and the
coverage of 1,000,000 worker points against 5,000 positions.

    .venv/bin/python bench/bench_positions.py [--positions 10000] [--queries 2000]
                                              [--workers 1000000] [--stations 5000]

Targets (issue 4): nearest query median ≤ 1 ms; coverage < 5 s.
Points are spread like a city: half around the centre (People's Square), half uniform over
Shanghai's extent; schedules and amenities follow the demo mix (incl. midnight-crossing ranges).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongyou.settings")
os.environ.setdefault("GONGYOU_VAR_DIR", tempfile.mkdtemp(prefix="gongyou-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from gongyou.positions.coverage import grid_coverage  # noqa: E402
from gongyou.positions.hours import parse_hours  # noqa: E402
from gongyou.positions.index import IndexRow, PositionIndex  # noqa: E402
from gongyou.positions.vocab import Amenity  # noqa: E402

NEAREST_TARGET_MS = 1.0
COVERAGE_TARGET_S = 5.0
SCHEDULES = [
    parse_hours("每天 08:00-20:00"),
    {},
    parse_hours("周一至周五 09:00-18:00"),
    parse_hours("每天 07:00-22:00"),
    parse_hours("每天 10:00-02:00"),
]


def city_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    lng = np.concatenate([rng.normal(121.47, 0.08, half), rng.uniform(121.0, 121.95, n - half)])
    lat = np.concatenate([rng.normal(31.23, 0.06, half), rng.uniform(30.7, 31.85, n - half)])
    return lng, lat


def build_rows(rng: np.random.Generator, n: int) -> list[IndexRow]:
    lng, lat = city_points(rng, n)
    codes = Amenity.values
    rows = []
    for i in range(n):
        k = int(rng.integers(len(SCHEDULES)))
        rows.append(
            IndexRow(
                id=i + 1, name=f"站{i}", kind="relay_station", lng=float(lng[i]), lat=float(lat[i]), status="open",
                amenities=tuple(c for c in codes if rng.random() < 0.5), weekly_hours=SCHEDULES[k], open_24h=k == 1,
            )
        )  # fmt: skip
    return rows


def bench_nearest(positions: int, queries: int) -> dict[str, float]:
    rng = np.random.default_rng(4)
    rows = build_rows(rng, positions)
    started = time.perf_counter()
    index = PositionIndex(rows)
    build_s = time.perf_counter() - started
    q_lng, q_lat = city_points(rng, queries)
    when = dt.datetime(2026, 11, 25, 12, 30)
    out = {"build_s": build_s}
    for label, kwargs in (
        ("plain", {}),
        ("microwave_open_now", {"amenities": ["microwave"], "open_now": True}),
        ("radius_2km", {"radius_m": 2000}),
    ):
        times = []
        for i in range(queries):
            t = time.perf_counter()
            index.nearest(float(q_lng[i]), float(q_lat[i]), limit=20, when=when, **kwargs)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out[f"{label}_median_ms"] = statistics.median(times)
        out[f"{label}_p95_ms"] = times[int(len(times) * 0.95)]
    return out


def bench_coverage(workers: int, stations: int, repeats: int = 3) -> dict[str, float]:
    rng = np.random.default_rng(5)
    w_lng, w_lat = city_points(rng, workers)
    s_lng, s_lat = city_points(rng, stations)
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        grid = grid_coverage(w_lng, w_lat, s_lng, s_lat, cell_m=500, radius_m=1000)
        grid.blind_spots(top=50)
        runs.append(time.perf_counter() - t)
    return {
        "median_s": statistics.median(runs),
        "min_s": min(runs),
        "cells": float(grid.lng.size),
        "uncovered": float(grid.uncovered.sum()),
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    date = subprocess.run(
        ["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{date}; {cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}, numpy {np.__version__}; load {os.getloadavg()[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=5_000)
    args = parser.parse_args()
    print(machine())
    nearest = bench_nearest(args.positions, args.queries)
    print(
        f"nearest over {args.positions:,} positions ({args.queries:,} queries, limit 20; index built in {nearest['build_s']:.2f} s):"
    )
    for label in ("plain", "microwave_open_now", "radius_2km"):
        print(f"  {label:<20} median {nearest[label + '_median_ms']:.3f} ms   p95 {nearest[label + '_p95_ms']:.3f} ms")
    coverage = bench_coverage(args.workers, args.stations)
    print(
        f"coverage of {args.workers:,} worker points vs {args.stations:,} positions (500 m cells, 1 km radius): "
        f"median {coverage['median_s']:.2f} s, best {coverage['min_s']:.2f} s; {coverage['cells']:,.0f} cells, "
        f"{coverage['uncovered']:,.0f} workers without a station within 1 km"
    )
    ok = (
        nearest["plain_median_ms"] <= NEAREST_TARGET_MS and nearest["microwave_open_now_median_ms"] <= NEAREST_TARGET_MS
    )
    ok = ok and coverage["median_s"] < COVERAGE_TARGET_S
    print(
        "targets:",
        "met" if ok else "MISSED",
        f"(nearest median ≤ {NEAREST_TARGET_MS} ms, coverage < {COVERAGE_TARGET_S} s)",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
