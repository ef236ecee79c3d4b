"""Issue 14, item 7: a process killed (kill -9) in the middle of a roster batch's transfer
proposals loses none of them. The rows and the outbox task commit together; the proposals and
the task's "done" mark commit together; the sweep does whatever a crash left undone, once."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gongyou.core.actors import COMMAND
from gongyou.core.testing import worker_data
from gongyou.members.inputs import clean_worker
from gongyou.members.models import Membership, Outbox, RosterEntry, Transfer
from gongyou.members.roster import process_outbox, upsert_roster
from gongyou.members.services import join

MEMBERS = 6

# Runs in a child process on the test's database: upserts a batch showing every member in
# another street, and stops for good after two proposals, where the parent kills it.
CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongyou.settings"
    from django.conf import settings
    settings.DATABASES["default"]["NAME"] = sys.argv[1]
    django.setup()
    from gongyou.core.actors import COMMAND
    from gongyou.core.models import Enterprise
    from gongyou.members import roster

    real = roster.request_transfer
    made = []

    def slow(*args, **kwargs):
        real(*args, **kwargs)
        made.append(1)
        if len(made) == 2:
            print("PROPOSING", flush=True)
            time.sleep(120)

    roster.request_transfer = slow
    rows = json.loads(sys.argv[3])
    roster.upsert_roster(Enterprise.objects.get(pk=int(sys.argv[2])), rows, actor=COMMAND)
    print("FINISHED", flush=True)
    """
)


def roster_row(seq, street_code):
    data = worker_data(seq, street_code=street_code, labor_relation="independent")
    data.pop("consent_version")
    return {**data, "external_id": f"rider-{seq}", "active": True}


@pytest.mark.django_db(transaction=True)
def test_a_batch_killed_mid_proposals_loses_no_proposal(world):
    import json

    members = [
        join(clean_worker(worker_data(seq, labor_relation="independent")), channel="qr", actor=COMMAND).membership
        for seq in range(1, MEMBERS + 1)
    ]
    assert all(m.status == Membership.Status.ACTIVE and m.org != world.other_street_union for m in members)
    rows = [roster_row(seq, world.other_street.code) for seq in range(1, MEMBERS + 1)]

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, connection.settings_dict["NAME"], str(world.platform.pk), json.dumps(rows)],
        cwd=Path(settings.BASE_DIR),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "PROPOSING", child.stderr.read() if child.poll() is not None else line
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    # Every row is stored; the two proposals made before the kill died with their transaction.
    assert RosterEntry.objects.filter(enterprise=world.platform).count() == MEMBERS
    assert Transfer.objects.count() == 0
    assert Outbox.objects.filter(done_at__isnull=True).count() == 1

    # Replaying the batch changes nothing and, as before, proposes nothing itself ...
    replay = upsert_roster(world.platform, rows, actor=COMMAND)
    assert (replay.unchanged, replay.proposed_transfers) == (MEMBERS, 0)
    # ... but the sweep does what the crash left undone, once.
    assert process_outbox() == MEMBERS
    assert process_outbox() == 0
    assert Outbox.objects.filter(done_at__isnull=True).count() == 0
    transfers = Transfer.objects.filter(status="pending")
    assert sorted(transfers.values_list("membership_id", flat=True)) == sorted(m.pk for m in members)
    assert {t.to_org_id for t in transfers} == {world.other_street_union.pk}


def test_a_batch_that_finishes_does_its_proposals_at_once(world):
    for seq in (1, 2):
        join(clean_worker(worker_data(seq, labor_relation="independent")), channel="qr", actor=COMMAND)
    rows = [roster_row(seq, world.other_street.code) for seq in (1, 2, 3)]
    result = upsert_roster(world.platform, rows, actor=COMMAND)
    assert result.proposed_transfers == 2 == Transfer.objects.count()
    assert not Outbox.objects.filter(done_at__isnull=True).exists()
    assert process_outbox() == 0


def test_done_follow_ups_are_purged_after_a_week_and_pending_ones_never(world):
    import datetime as dt

    from django.utils import timezone

    from gongyou.core import jobs
    from gongyou.core.schedule import discover
    from gongyou.members import tasks

    now = timezone.now()
    make = lambda done_at: Outbox.objects.create(  # noqa: E731
        kind=Outbox.Kind.PROPOSE_TRANSFERS, enterprise=world.platform, payload={"seen": {}}, done_at=done_at
    )
    old, recent, pending = make(now - dt.timedelta(days=8)), make(now - dt.timedelta(days=6)), make(None)
    old_pending = make(None)
    Outbox.objects.filter(pk=old_pending.pk).update(created_at=now - dt.timedelta(days=30))
    job = jobs.enqueue(tasks.purge_done_outbox)
    job.refresh_from_db()
    assert job.status == job.Status.SUCCEEDED and job.result == 1
    assert set(Outbox.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk, old_pending.pk}
    assert old.pk not in Outbox.objects.values_list("pk", flat=True)
    assert tasks.purge_done_outbox.module_path in discover()
