"""The APIs under load (issue 13 part 6): gunicorn with the repo's config on PostgreSQL, driven by
locust (headless), one endpoint at a time and then all of them mixed, against /healthz.

    make bench-load          # installs bench/requirements.txt (locust), then runs this
    .venv/bin/python bench/bench_load.py [--users 50] [--duration 20] [--members 2000]
        [--workers N] [--rss-requests 100000] [--rss-max-seconds 300] [--keep]

What it does: creates its own database (bench/common.py, `gongyou_bench_load` unless BENCH_PG_URL
names another with "bench" in it), migrates, seeds the regions, the test world's orgs and a
platform enterprise with a partner token, the demo service positions (for nearby) and `--members`
workers already joined through that platform (for repeat joins and lookups); starts gunicorn
(`deploy/gunicorn.conf.py`, on a free loopback port, workers never recycled so their memory can
be measured); runs locust for `--duration` seconds per endpoint, then mixed; then keeps the mixed
load on until the server has answered `--rss-requests` requests in all (at most
`--rss-max-seconds` more) and reads the web workers' resident memory. Prints a markdown table.

Bounded and local by construction: the users and the duration are small by default, and the
host is refused unless it is a loopback address. Throttle rates are raised for the run (they
still run on every request: the cost of counting is part of the figure).

Besides rps and latency it reads the CPU time the gunicorn workers and the PostgreSQL backends
spent per request (from /proc): on a shared machine rps moves with the neighbours' load, CPU per
request much less, so the "CPU ratio" column (healthz CPU per request / endpoint CPU per request)
is the steadier form of the ratio.

Exit status 0 when every goal is met, 2 when one is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ipaddress
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import bench_database, load_average, print_machine  # noqa: E402

os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gongyou_bench_load")

SEQ0 = 10_000_000  # synthetic sequence numbers of the seeded members
NEW_SEQ0 = 40_000_000  # of new workers; each phase starts 1,000,000 further on

HEALTHZ = "GET /healthz"
NEW_JOIN = "POST /api/v1/join (new)"
REPEAT_JOIN = "POST /api/v1/join (repeat)"
LOOKUP = "GET /api/v1/members/{no}"
NEARBY = "GET /api/v1/stations/nearby"
# (locust user class, request name) in the order they run alone; healthz first, the reference.
PHASES = [
    ("Healthz", HEALTHZ),
    ("Nearby", NEARBY),
    ("Lookup", LOOKUP),
    ("RepeatJoin", REPEAT_JOIN),
    ("NewJoin", NEW_JOIN),
]
# Goals of issue 13 part 6: minimum ratio to /healthz rps.
RATIO_GOALS = {NEW_JOIN: 0.2, REPEAT_JOIN: 0.4, NEARBY: 0.5}
P99_GOAL_MS = 100.0
P99_GOAL_USERS = 50
RSS_GOAL_MB = 150.0


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    server_cpu_ms: float | None = None  # gunicorn workers + PostgreSQL backends, per request


def refuse_remote(host: str) -> str:
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if not address.is_loopback:
        raise SystemExit(f"bench_load only runs against a loopback address, not {host} ({address})")
    return str(address)


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def seed(members: int) -> tuple[str, list[tuple[int, str]]]:
    """Regions, the test world, demo positions, a partner token and `members` joined workers."""
    from load_workers import worker
    from tqdm import tqdm

    from gongyou.core.actors import COMMAND, Actor
    from gongyou.core.services import load_regions
    from gongyou.core.testing import build_world
    from gongyou.demo.positions import seed_positions
    from gongyou.members.inputs import clean_worker
    from gongyou.partners.services import issue_partner_token, join_via_partner

    started = time.monotonic()
    load_regions()
    world = build_world()
    report = seed_positions(actor=COMMAND)
    print(
        f"  seeded regions, orgs and {report.positions:,} service positions in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    token = issue_partner_token(world.platform, actor=COMMAND, name="bench")
    actor = Actor.partner(world.platform)
    joined = []
    for seq in tqdm(range(SEQ0, SEQ0 + members), desc="members", unit="join", file=sys.stderr, mininterval=2):
        result = join_via_partner(
            world.platform, clean_worker(worker(seq), default_employer=world.platform), actor=actor
        )
        joined.append((seq, result.membership.member_no))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return token, joined


def proc_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def postgres_backends(database: str) -> list[int]:
    """Server processes of the bench database (their title names it), on this machine."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            if cmdline.startswith("postgres:") and f" {database} " in cmdline:
                pids.append(int(entry.name))
    return pids


class ServerCpu:
    """CPU seconds of the gunicorn workers and the bench database's backends."""

    def __init__(self, master: int, database: str) -> None:
        self.master, self.database = master, database

    def snapshot(self) -> dict[int, float]:
        return {pid: proc_cpu_seconds(pid) for pid in children(self.master) + postgres_backends(self.database)}

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        """CPU used between two snapshots by the processes alive at the second (a backend that
        exited in between, e.g. the seeding connection's, must not count as negative time)."""
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def rss_mb(master: int) -> list[float]:
    out = []
    for pid in children(master):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
    return out


def wait_ready(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def run_locust(
    user_class: str,
    *,
    base: str,
    users: int,
    seconds: int,
    env: dict[str, str],
    prefix: Path,
    spawn_rate: float | None = None,
) -> tuple[dict[str, Row], float]:
    """Run one headless locust phase; rows by request name, and locust's own CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            user_class,
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate or users),
            # A gradual start is left out of the figures (stats reset once every user runs).
            *(["--reset-stats"] if spawn_rate else []),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            if rec["Name"] == "Aggregated":
                continue
            rows[rec["Name"]] = Row(
                name=rec["Name"],
                requests=int(rec["Request Count"]),
                failures=int(rec["Failure Count"]),
                rps=float(rec["Requests/s"]),
                p50=float(rec["50%"]),
                p95=float(rec["95%"]),
                p99=float(rec["99%"]),
            )
    with open(f"{prefix}_failures.csv", newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            print(f"    failures {rec['Name']}: {rec['Occurrences']} × {rec['Error'][:200]}", flush=True)
    return rows, locust_cpu


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent locust users per phase (default 50)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per phase (default 20)")
    parser.add_argument("--members", type=int, default=2000, help="workers joined before the run (default 2000)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind gunicorn to")
    parser.add_argument(
        "--rss-requests", type=int, default=100_000, help="requests served before RSS is read (0: skip)"
    )
    parser.add_argument("--rss-max-seconds", type=int, default=300, help="at most this long for the RSS soak")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    if not (1 <= args.users <= 200 and 1 <= args.duration <= 300):
        raise SystemExit("bounded: 1–200 users and 1–300 seconds per phase")
    host = refuse_remote(args.host)

    with bench_database(keep=args.keep) as url:
        # Locust's CSV and logs and gunicorn's error log; kept with --keep.
        out = Path(tempfile.mkdtemp(prefix="gongyou-load-"))
        database = url.rsplit("/", 1)[1]
        print("Load benchmark (locust → gunicorn → PostgreSQL)")
        print_machine()
        started = time.monotonic()
        token, members = seed(args.members)
        print(f"  seeded {len(members):,} joined members in {time.monotonic() - started:.0f} s", flush=True)
        members_file = out / "members.json"
        members_file.write_text(json.dumps(members))
        from django.db import connections

        connections.close_all()

        port = free_port(host)
        base = f"http://{host}:{port}"
        env = dict(os.environ)
        env.update(
            {
                "GUNICORN_BIND": f"{host}:{port}",
                # Never recycled during the run: the RSS read at the end is after every request.
                "GUNICORN_MAX_REQUESTS": "0",
                "GONGYOU_PARTNER_RATE": "10000000/min",
                "GONGYOU_PUBLIC_RATE": "10000000/min",
                "GONGYOU_API_FAILURE_RATE": "10000000/min",
                "BENCH_TOKEN": token,
                "BENCH_MEMBERS": str(members_file),
            }
        )
        if args.workers:
            env["GUNICORN_WORKERS"] = str(args.workers)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "gongyou.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(out / "gunicorn.err", "w"),  # noqa: SIM115
        )
        try:
            try:
                wait_ready(f"{base}/healthz")
            except SystemExit:
                print((out / "gunicorn.err").read_text()[-3000:], file=sys.stderr)
                raise
            workers = len(children(server.pid))
            print(
                f"  gunicorn: {workers} workers on {base}; {args.users} users, {args.duration} s per phase", flush=True
            )
            # Warm-up, not measured: every worker connects to PostgreSQL and builds its in-memory
            # index of positions (nearby) before the first figure is taken.
            env["BENCH_NEW_SEQ0"] = str(NEW_SEQ0 - 1_000_000)
            run_locust("Mixed", base=base, users=workers * 2, seconds=8, env=env, prefix=out / "warmup")
            cpu = ServerCpu(server.pid, database)
            results: dict[str, Row] = {}
            served = 0
            for n, (user_class, name) in enumerate(PHASES):
                env["BENCH_NEW_SEQ0"] = str(NEW_SEQ0 + n * 1_000_000)
                cpu_before = cpu.snapshot()
                rows, locust_cpu = run_locust(
                    user_class, base=base, users=args.users, seconds=args.duration, env=env, prefix=out / user_class
                )
                spent = cpu.spent(cpu_before, cpu.snapshot())
                if name not in rows:
                    raise SystemExit(f"locust reported no {name!r} (see {out / user_class}.log): {sorted(rows)}")
                row = rows[name]
                row.server_cpu_ms = spent * 1000 / max(row.requests, 1)
                results[name] = row
                served += row.requests
                print(
                    f"  {name}: {row.rps:,.0f} rps, p50 {row.p50:.0f} / p95 {row.p95:.0f} / p99 {row.p99:.0f} ms,"
                    f" {row.failures} failures; server CPU {row.server_cpu_ms:.2f} ms/request, locust CPU {locust_cpu:.1f} s;"
                    f" load average {load_average()}",
                    flush=True,
                )
            env["BENCH_NEW_SEQ0"] = str(NEW_SEQ0 + len(PHASES) * 1_000_000)
            mixed, _cpu = run_locust(
                "Mixed", base=base, users=args.users, seconds=args.duration, env=env, prefix=out / "mixed"
            )
            served += sum(r.requests for r in mixed.values())
            mixed_rps = sum(r.rps for r in mixed.values())
            print(f"  mixed: {mixed_rps:,.0f} rps in all", flush=True)
            # Latency at the users' pace (the p99 goal): the same mix, each user about one
            # request a second.
            env["BENCH_NEW_SEQ0"] = str(NEW_SEQ0 + (len(PHASES) + 2) * 1_000_000)
            # Users start ten a second (as clients do, not all in the same millisecond), and the
            # figures count from when all of them run.
            paced, _cpu = run_locust(
                "MixedPaced",
                base=base,
                users=args.users,
                seconds=max(args.duration, 30) + args.users // 10,
                env=env,
                prefix=out / "paced",
                spawn_rate=10,
            )
            served += sum(r.requests for r in paced.values())
            print(f"  paced: {sum(r.rps for r in paced.values()):,.0f} rps in all", flush=True)

            rss: list[float] = []
            if args.rss_requests:
                missing = args.rss_requests - served
                if missing > 0:
                    seconds = min(args.rss_max_seconds, int(missing / max(mixed_rps, 1) * 1.1) + 1)
                    env["BENCH_NEW_SEQ0"] = str(NEW_SEQ0 + (len(PHASES) + 1) * 1_000_000)
                    soak, _cpu = run_locust(
                        "Mixed", base=base, users=args.users, seconds=seconds, env=env, prefix=out / "soak"
                    )
                    served += sum(r.requests for r in soak.values())
                rss = rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)  # graceful: workers finish their request
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            connections.close_all()

        healthz = results[HEALTHZ].rps
        healthz_cpu = results[HEALTHZ].server_cpu_ms
        missed = []
        print()
        print(f"Load average at the end: {load_average()}")
        print()
        print(
            f"| endpoint ({args.users} users, {args.duration} s each, {workers} workers) | requests | failures | rps | ratio to /healthz | p50 ms | p95 ms | p99 ms | server CPU ms/request | CPU ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for _cls, name in PHASES:
            row = results[name]
            ratio = row.rps / healthz if healthz else None
            cpu_ratio = healthz_cpu / row.server_cpu_ms if healthz_cpu and row.server_cpu_ms else None
            goal = RATIO_GOALS.get(name)
            mark = ""
            if goal is not None and ratio is not None:
                mark = f" (goal ≥ {goal}×{' ✔' if ratio >= goal else ' ✘'})"
                if ratio < goal:
                    missed.append(f"{name} ratio {ratio:.2f}× < {goal}×")
            if row.failures:
                missed.append(f"{name}: {row.failures} failures")
            print(
                f"| `{name}` | {row.requests:,} | {row.failures} | {row.rps:,.0f} | {fmt_ratio(ratio)}{mark} |"
                f" {row.p50:.0f} | {row.p95:.0f} | {row.p99:.0f} | {row.server_cpu_ms or 0:.2f} | {fmt_ratio(cpu_ratio)} |"
            )
        print()
        print(
            f"| mixed ({args.users} users, {args.duration} s) | requests | failures | rps | p50 ms | p95 ms | p99 ms |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, row in sorted(mixed.items()):
            print(
                f"| `{name}` | {row.requests:,} | {row.failures} | {row.rps:,.0f} | {row.p50:.0f} | {row.p95:.0f} | {row.p99:.0f} |"
            )
        print(
            f"| all | {sum(r.requests for r in mixed.values()):,} | {sum(r.failures for r in mixed.values())} | {mixed_rps:,.0f} | | | |"
        )
        print()
        print(
            f"| mixed at the users' pace ({args.users} users, 0.5–1.5 s between requests) | requests | failures | rps |"
            f" p50 ms | p95 ms | p99 ms (goal < {P99_GOAL_MS:.0f}) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, row in sorted(paced.items()):
            meets = row.p99 < P99_GOAL_MS
            if args.users >= P99_GOAL_USERS and not meets:
                missed.append(f"{name} p99 {row.p99:.0f} ms ≥ {P99_GOAL_MS:.0f} ms at the users' pace")
            print(
                f"| `{name}` | {row.requests:,} | {row.failures} | {row.rps:,.0f} | {row.p50:.0f} | {row.p95:.0f} |"
                f" {row.p99:.0f} {'✔' if meets else '✘'} |"
            )
        if rss:
            biggest = max(rss)
            verdict = "✔" if biggest < RSS_GOAL_MB else "✘"
            print()
            print(
                f"Web worker RSS after {served:,} requests in all: {', '.join(f'{v:.0f}' for v in sorted(rss))} MB"
                f" (largest {biggest:.0f} MB; goal < {RSS_GOAL_MB:.0f} MB {verdict})"
            )
            if biggest >= RSS_GOAL_MB:
                missed.append(f"RSS {biggest:.0f} MB")
            if served < args.rss_requests:
                print(f"  (only {served:,} of {args.rss_requests:,} requests within --rss-max-seconds)")
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        print()
        if missed:
            print("Goals missed: " + "; ".join(missed))
            return 2
        print("Every goal met.")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
