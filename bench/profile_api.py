"""CPU per request of the load benchmark's endpoints, in process (issue 13 part 6): the same
database and requests as bench/bench_load.py, but each request is a plain call of the WSGI
application (every middleware, DRF, the view, the database), timed with this process's CPU and
its PostgreSQL backend's CPU, and optionally profiled with cProfile. No gunicorn, no locust, no
network: what is left is what a worker spends per request, and the profile says where.

    .venv/bin/python bench/profile_api.py [--members 200] [--requests 300] [--profile 25] [--keep|--reuse]

Throttle rates are raised as in bench_load.py (the throttles still run on every request).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import backend_cpu_seconds, bench_database, load_average, print_machine  # noqa: E402

os.environ.setdefault("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gongyou_bench_profile")
for _name in ("GONGYOU_PARTNER_RATE", "GONGYOU_PUBLIC_RATE", "GONGYOU_API_FAILURE_RATE"):
    os.environ.setdefault(_name, "10000000/min")

# New workers' synthetic sequence numbers: a different block on every run, so a --reuse run
# never meets the previous run's new workers again.
NEW_SEQ0 = 60_000_000 + int(time.time()) % 20_000 * 1_000


def _environ(method: str, path: str, query: str = "", body: bytes = b"", token: str = "") -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_ACCEPT": "*/*",
        "HTTP_USER_AGENT": "profile_api",
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
        env["CONTENT_LENGTH"] = str(len(body))
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per endpoint")
    parser.add_argument("--profile", type=int, default=0, help="print the top N self-time functions per endpoint")
    parser.add_argument("--only", default="", help="comma-separated endpoint names to run")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.requests <= 900:
        raise SystemExit("bounded: 1–900 requests per endpoint")

    with bench_database(keep=args.keep, reuse=args.reuse) as url:
        from bench_load import seed
        from load_workers import worker

        state = ROOT / "var" / f"{url.rsplit('/', 1)[1]}.profile.json"
        if url.reused and state.exists():
            saved = json.loads(state.read_text())
            token, members = saved["token"], [tuple(m) for m in saved["members"]]
        else:
            token, members = seed(args.members)
            if args.keep or args.reuse:
                state.write_text(json.dumps({"token": token, "members": members}))
        print("In-process CPU per request (WSGI call, no network)")
        print_machine()

        from django.core.wsgi import get_wsgi_application

        app = get_wsgi_application()
        from django.db import connection

        # Kept for the whole run (production recycles it every 60 s), so the backend's CPU is
        # read from one process.
        connection.settings_dict["CONN_MAX_AGE"] = None
        connection.close()  # the seeding's connection would still close at its 60 s

        def call(env: dict[str, Any]) -> int:
            status: list[str] = []
            body = app(env, lambda s, h, exc_info=None: status.append(s))
            b"".join(body)
            if hasattr(body, "close"):
                body.close()
            return int(status[0].split()[0])

        new_seq = iter(range(NEW_SEQ0, NEW_SEQ0 + 1_000))
        i = 0

        def nxt() -> tuple[int, str]:
            nonlocal i
            i += 1
            return members[i % len(members)]

        endpoints: dict[str, tuple[int, Callable[[], dict[str, Any]]]] = {
            "healthz": (200, lambda: _environ("GET", "/healthz")),
            "nearby": (
                200,
                lambda: _environ("GET", "/api/v1/stations/nearby", f"lng={121.35 + (i % 25) * 0.01:.5f}&lat=31.2"),
            ),
            "lookup": (200, lambda: _environ("GET", f"/api/v1/members/{nxt()[1]}", token=token)),
            "repeat_join": (
                200,
                lambda: _environ("POST", "/api/v1/join", body=json.dumps(worker(nxt()[0])).encode(), token=token),
            ),
            "new_join": (
                201,
                lambda: _environ("POST", "/api/v1/join", body=json.dumps(worker(next(new_seq))).encode(), token=token),
            ),
        }
        only = [n for n in args.only.split(",") if n]
        rows = []
        for name, (expected, make) in endpoints.items():
            if only and name not in only:
                continue
            for _warm in range(20):
                code = call(make())
                if code != expected:
                    raise SystemExit(f"{name}: answered {code}, expected {expected}")
            envs = [make() for _n in range(args.requests)]
            # CPU time, not wall time: waiting for PostgreSQL is not what the profile looks for.
            profiler = cProfile.Profile(time.process_time) if args.profile else None
            backend0, cpu0, wall0 = backend_cpu_seconds(), time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for env in envs:
                call(env)
            if profiler:
                profiler.disable()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            backend1 = backend_cpu_seconds()
            backend = (backend1 - backend0) if backend0 is not None and backend1 is not None else 0.0
            n = args.requests
            rows.append((name, cpu * 1000 / n, backend * 1000 / n, wall * 1000 / n))
            print(
                f"  {name}: Python CPU {cpu * 1000 / n:.2f} ms, PostgreSQL backend {backend * 1000 / n:.2f} ms,"
                f" wall {wall * 1000 / n:.2f} ms per request{' (under the profiler)' if profiler else ''}",
                flush=True,
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
                print(out.getvalue())
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile * 2)
                print(out.getvalue())
        print(f"Load average at the end: {load_average()}")
        print()
        print("| endpoint | Python CPU ms/request | PostgreSQL CPU ms/request | wall ms/request |")
        print("|---|---:|---:|---:|")
        for name, cpu_ms, pg_ms, wall_ms in rows:
            print(f"| {name} | {cpu_ms:.2f} | {pg_ms:.2f} | {wall_ms:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
