"""Concurrency: real threads, real connections. On PostgreSQL row locks and unique indexes decide;
on SQLite IMMEDIATE transactions serialise writers (and must never surface "database is locked")."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from gongyou.core.actors import COMMAND, Actor
from gongyou.core.services import load_regions
from gongyou.core.testing import build_world, worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, MembershipEvent, Person, Transfer
from gongyou.members.services import join
from gongyou.members.transfers import accept_transfer, reject_transfer, request_transfer


def run_concurrently(n: int, fn: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            out = fn(i)
            with lock:
                results.append(out)
        except BaseException as exc:  # collected and asserted on below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.fixture
def tworld(transactional_db):
    load_regions()
    return build_world()


def test_fifty_concurrent_joins_of_one_person_make_one_membership(tworld):
    n = 50 if connection.vendor == "postgresql" else 20
    data = worker_data(42)

    def attempt(i: int):
        channel = ["qr", "online", "staff", "partner", "import"][i % 5]
        return join(clean_worker(data), channel=channel, actor=Actor.worker()).membership.member_no

    results, errors = run_concurrently(n, attempt)
    assert errors == []
    assert len(set(results)) == 1
    assert Person.objects.count() == 1
    assert Membership.objects.count() == 1
    assert MembershipEvent.objects.count() == 1


def test_concurrent_joins_of_different_people_all_succeed(tworld):
    results, errors = run_concurrently(10, lambda i: join(clean_worker(worker_data(100 + i)), channel="online", actor=Actor.worker()).membership.member_no)
    assert errors == []
    assert len(set(results)) == 10


def test_accept_and_reject_race_has_exactly_one_winner(tworld):
    m = join(clean_worker(worker_data(7)), channel="online", actor=Actor.worker()).membership
    t = request_transfer(m, tworld.other_street_union, initiator="member", actor=COMMAND)

    def decide(i: int):
        if i % 2:
            return accept_transfer(Transfer(pk=t.pk), actor=COMMAND).status
        return reject_transfer(Transfer(pk=t.pk), actor=COMMAND, note="退回").status

    results, errors = run_concurrently(6, decide)
    assert len(results) == 1
    assert all(getattr(e, "error_dict", {}).get("transfer") for e in errors)
    t.refresh_from_db()
    m.refresh_from_db()
    assert t.status == results[0]
    assert m.status == "active"
    assert m.org == (tworld.other_street_union if t.status == "accepted" else tworld.street_union_food)


def test_concurrent_transfer_requests_leave_one_pending(tworld):
    m = join(clean_worker(worker_data(8)), channel="online", actor=Actor.worker()).membership
    targets = [tworld.other_street_union, tworld.street_union_express, tworld.station_union]
    results, errors = run_concurrently(6, lambda i: request_transfer(m, targets[i % 3], initiator="member", actor=COMMAND).pk)
    assert len(results) == 1 and len(errors) == 5
    assert Transfer.objects.filter(status="pending").count() == 1
