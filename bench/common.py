"""Shared set-up for the benchmarks: a throw-away PostgreSQL database, Django pointed at it,
migrations, and the machine description recorded next to the figures.

Every benchmark creates its own database (default `gongyou_bench` on the local server; override
with BENCH_PG_URL, e.g. postgres://postgres@127.0.0.1:5432/gongyou_bench) and drops it at the
end unless --keep is given. Settings come from the environment like everywhere else, so this
module sets the variables before Django starts.
"""

from __future__ import annotations

import contextlib
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongyou_bench"


def _admin_url(url: str) -> tuple[str, str]:
    """(URL of the server's `postgres` maintenance database, name of the bench database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "gongyou_bench"
    return urlunsplit(parts._replace(path="/postgres")), name


def _recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _exists(url: str) -> bool:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


class BenchDatabase(str):
    """The database URL; `reused` is true when --reuse found a kept database to time again."""

    reused: bool = False


@contextlib.contextmanager
def bench_database(*, keep: bool = False, reuse: bool = False) -> Iterator[BenchDatabase]:
    """Create the bench database, start Django on it, migrate; drop it afterwards.

    With `reuse`, a database kept by an earlier `--keep` run is migrated and used as it is (its
    data key was saved beside it under var/), so the pages can be timed again after a code change
    without generating a million rows again; reuse implies keep."""
    url = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    name = _admin_url(url)[1]
    if "bench" not in name:
        # The database is dropped and recreated: refuse names that could be someone's real data.
        raise SystemExit(f"BENCH_PG_URL must name a throw-away database with 'bench' in its name, not {url!r}")
    key_file = ROOT / "var" / f"{name}.data-key"
    if reuse and _exists(url) and not key_file.exists():
        # Recreating would throw away what --reuse was asked to keep (a million rows).
        raise SystemExit(f"--reuse: {name} exists but its data key {key_file} does not; refusing to recreate it")
    reused = reuse and _exists(url) and key_file.exists()
    if reused:
        data_key = key_file.read_text().strip()
        keep = True
    else:
        _recreate(url)
        data_key = secrets.token_urlsafe(32)
        if keep or reuse:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(data_key)
            key_file.chmod(0o600)
    var_dir = tempfile.mkdtemp(prefix="gongyou-bench-")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "gongyou.settings",
            # DEBUG off: Django would otherwise keep every SQL statement in memory.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(32),
            # A fresh data key per run (kept beside a --keep database for --reuse): the bench
            # database is thrown away with it.
            "GONGYOU_DATA_KEY": data_key,
            "GONGYOU_VAR_DIR": var_dir,
            # Required without DEBUG (and the demo console backend is refused then); no SMS is
            # sent by a benchmark, so the gateway points at a closed local port.
            "GONGYOU_SMS_BACKEND": "gongyou.core.sms.HttpGatewayBackend",
            "GONGYOU_SMS_GATEWAY_URL": "http://127.0.0.1:9/",
            "GONGYOU_SMS_GATEWAY_TOKEN": "bench",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = BenchDatabase(url)
    result.reused = reused
    try:
        yield result
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _drop(url)


def machine() -> dict[str, str]:
    """Date and machine facts to record with the figures."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "date": subprocess.run(["date"], capture_output=True, text=True, check=False).stdout.strip(),
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "load average at start": load_average(),
    }


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend process (when the server
    runs on this machine), so figures can be read apart from other load on the machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall time, this process's CPU time and the database backend's CPU time of a block."""

    def __enter__(self) -> Timer:
        self.backend_start = backend_cpu_seconds()
        self.cpu_start = time.process_time()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu_start
        end = backend_cpu_seconds()
        self.backend = None if end is None or self.backend_start is None else end - self.backend_start

    def describe(self) -> str:
        backend = "?" if self.backend is None else f"{self.backend:.2f}"
        return f"wall {self.seconds:.2f} s, Python CPU {self.cpu:.2f} s, PostgreSQL backend CPU {backend} s"


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def print_machine() -> None:
    for key, value in machine().items():
        print(f"  {key}: {value}")
