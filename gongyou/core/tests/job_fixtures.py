"""Tasks for the job tests: one that fails a given number of times, one that records each run."""

from __future__ import annotations

from gongyou.core import jobs

RUNS: list[str] = []
FAILURES: dict[str, int] = {}


@jobs.background(max_attempts=3)
def flaky(name: str) -> str:
    RUNS.append(name)
    if FAILURES.get(name, 0) > 0:
        FAILURES[name] -= 1
        raise RuntimeError(f"gateway down for {name} (call 13912345678)")
    return f"done {name}"
