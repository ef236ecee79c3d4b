"""Locust users for bench/bench_load.py (not meant to be run by hand: bench_load.py seeds the
database, starts gunicorn and passes what the users need through the environment).

One user class per endpoint, so each is measured alone, and `Mixed` for all of them in one run:

- NewJoin     POST /api/v1/join, a fresh synthetic worker every time (201)
- RepeatJoin  POST /api/v1/join, a worker who already joined through this platform (200)
- Lookup      GET  /api/v1/members/{no} of a member who joined through this platform (200)
- Nearby      GET  /api/v1/stations/nearby around a random point in central Shanghai (200)
- Healthz     GET  /healthz, the reference
- Mixed       all five, weighted like a busy day (mostly reads)

Environment (set by bench_load.py): BENCH_TOKEN (partner token), BENCH_MEMBERS (JSON file of
[seq, member_no] pairs of the seeded members), BENCH_NEW_SEQ0 (first synthetic sequence number for
new workers, different in every phase so no new worker is ever repeated).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import FastHttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_workers import worker  # noqa: E402

TOKEN = os.environ.get("BENCH_TOKEN", "")
_members_file = os.environ.get("BENCH_MEMBERS")
MEMBERS: list[tuple[int, str]] = (
    [(int(s), str(n)) for s, n in json.loads(Path(_members_file).read_text())] if _members_file else []
)
_new_seq = itertools.count(int(os.environ.get("BENCH_NEW_SEQ0", "50000000")))
# Central Shanghai, where the demo positions are densest.
LNG, LAT = (121.35, 121.60), (31.10, 31.32)


class _Api(FastHttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request as soon as it can

    def _join(self, seq: int, expected: int, name: str) -> None:
        with self.client.post(
            "/api/v1/join",
            json=worker(seq),
            headers={"Authorization": f"Bearer {TOKEN}"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != expected:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def new_join(self) -> None:
        self._join(next(_new_seq), 201, "POST /api/v1/join (new)")

    def repeat_join(self) -> None:
        seq, _no = random.choice(MEMBERS)
        self._join(seq, 200, "POST /api/v1/join (repeat)")

    def lookup(self) -> None:
        _seq, number = random.choice(MEMBERS)
        self.client.get(
            f"/api/v1/members/{number}",
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="GET /api/v1/members/{no}",
        )

    def nearby(self) -> None:
        lng, lat = random.uniform(*LNG), random.uniform(*LAT)
        self.client.get(f"/api/v1/stations/nearby?lng={lng:.5f}&lat={lat:.5f}", name="GET /api/v1/stations/nearby")

    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")


class NewJoin(_Api):
    @task
    def go(self) -> None:
        self.new_join()


class RepeatJoin(_Api):
    @task
    def go(self) -> None:
        self.repeat_join()


class Lookup(_Api):
    @task
    def go(self) -> None:
        self.lookup()


class Nearby(_Api):
    @task
    def go(self) -> None:
        self.nearby()


class Healthz(_Api):
    @task
    def go(self) -> None:
        self.healthz()


class Mixed(_Api):
    """All five in one run: reads dominate, joins are the minority (a platform's campaign day)."""

    @task(1)
    def a_new_join(self) -> None:
        self.new_join()

    @task(2)
    def a_repeat_join(self) -> None:
        self.repeat_join()

    @task(3)
    def a_lookup(self) -> None:
        self.lookup()

    @task(3)
    def a_nearby(self) -> None:
        self.nearby()

    @task(1)
    def a_healthz(self) -> None:
        self.healthz()


class MixedPaced(Mixed):
    """The same mix at a platform client's pace: each user waits 0.5–1.5 s between requests
    (about one request a second each), so 50 users are 50 concurrent clients rather than 50
    requests always queued — the latency the p99 goal is about, measured apart from the
    closed-loop throughput phases (where 50 users on 2 CPUs queue by construction)."""

    wait_time = between(0.5, 1.5)
