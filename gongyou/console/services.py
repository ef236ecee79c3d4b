"""State changes owned by the console: staged roster imports (upload → preview → chunked import).

The rows themselves go through gongyou.members.roster.upsert_roster, which writes the roster and
its audit rows; these functions keep the staging record and audit the import as a whole."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.console import roster_io, totp
from gongyou.console.models import RosterColumnMap, RosterImport, StaffTOTP
from gongyou.core import audit, crypto, jobs
from gongyou.core.access import staff_profile
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.members.roster import upsert_roster

# One chunk is one transaction and one step of the progress bar; 2,000 rows reach the roster's
# parallel encryption (members.roster.PARALLEL_MIN_ROWS) when it is switched on.
CHUNK_ROWS = min(2000, settings.GONGYOU["ROSTER_BATCH_MAX"])


def stage_roster_import(
    handle: IO[bytes], *, filename: str, user: Any, actor: Actor, enterprise: Enterprise | None = None
) -> RosterImport:
    """Read and check an uploaded roster; nothing reaches the roster until it is started.
    With an enterprise, its remembered column mapping reads the file. Raises ValidationError
    for an unreadable file."""
    found = roster_io.read_file(handle, filename)
    remembered = _remembered(enterprise)
    columns = roster_io.guess_columns(found.header, remembered)
    with transaction.atomic():
        staged = RosterImport(
            created_by=user,
            filename=filename[:200],
            enterprise=enterprise,
            payload_enc=crypto.encrypt(json.dumps({"rows": found.rows}, ensure_ascii=False)),
            header=found.header,
            header_row=found.header_row,
            total=len(found.rows),
        )
        _check(staged, found.rows, columns)
        staged.save()
        audit.record(actor, "roster_import.stage", staged, after={"filename": staged.filename, "rows": staged.total})
    return staged


def _remembered(enterprise: Enterprise | None) -> dict[str, str]:
    if enterprise is None:
        return {}
    found = RosterColumnMap.objects.filter(enterprise=enterprise).first()
    return dict(found.columns) if found else {}


def _file_rows(staged: RosterImport) -> list[tuple[int, list[str]]]:
    payload = json.loads(crypto.decrypt(staged.payload_enc)) if staged.payload_enc else {"rows": []}
    return [(number, cells) for number, cells in payload["rows"]]


def _check(staged: RosterImport, file_rows: list[tuple[int, list[str]]], columns: list[str]) -> None:
    checked = roster_io.validate(roster_io.to_rows(file_rows, columns))
    staged.columns = columns
    staged.valid_count, staged.invalid_count = checked.valid, checked.invalid
    staged.preview, staged.held = checked.preview, checked.held


@transaction.atomic
def map_roster_columns(staged: RosterImport, columns: list[str], *, actor: Actor) -> RosterImport:
    """Read a staged file again with the officer's column mapping (one field per column at
    most; unknown fields are not imported) and check it again."""
    locked = RosterImport.objects.select_for_update().get(pk=staged.pk)
    if locked.status != RosterImport.Status.PREVIEW:
        return locked
    wanted = [c if c in roster_io.COLUMNS else "" for c in columns][: len(locked.header)]
    wanted += [""] * (len(locked.header) - len(wanted))
    cleaned = [c if c not in wanted[:i] else "" for i, c in enumerate(wanted)]
    _check(locked, _file_rows(locked), cleaned)
    locked.save(update_fields=["columns", "valid_count", "invalid_count", "preview", "held"])
    audit.record(actor, "roster_import.map", locked, after={"columns": dict(zip(locked.header, cleaned, strict=True))})
    return locked


def _remember_columns(staged: RosterImport, enterprise: Enterprise, user: Any) -> None:
    """Keep the columns the officer mapped differently from what the words alone say, for the
    enterprise's next file."""
    guessed = roster_io.guess_columns(staged.header)
    chosen = {h: c for h, c, g in zip(staged.header, staged.columns, guessed, strict=False) if h and c != g}
    mapping, _created = RosterColumnMap.objects.get_or_create(enterprise=enterprise)
    if chosen and {**mapping.columns, **chosen} != mapping.columns:
        mapping.columns = {**mapping.columns, **chosen}
        mapping.updated_by = user
        mapping.save()


@transaction.atomic
def start_roster_import(staged: RosterImport, enterprise: Enterprise, *, actor: Actor) -> RosterImport:
    locked = RosterImport.objects.select_for_update().get(pk=staged.pk)
    if locked.status == RosterImport.Status.PREVIEW and not roster_io.missing_columns(locked.columns):
        _remember_columns(locked, enterprise, locked.created_by)
        locked.enterprise = enterprise
        locked.status = RosterImport.Status.RUNNING
        locked.save(update_fields=["enterprise", "status"])
        audit.record(actor, "roster_import.start", locked, after={"enterprise": enterprise.pk, "rows": locked.total})
        # A worker imports it (console.tasks.run_roster_import), whether or not the page stays open.
        from gongyou.console.tasks import run_roster_import

        jobs.enqueue(
            run_roster_import, locked.pk, actor.label, actor.user_id, user=locked.created_by, key=roster_job_key(locked)
        )
    return locked


def roster_job_key(staged: RosterImport) -> str:
    return f"roster_import:{staged.pk}"


def ensure_roster_job(staged: RosterImport, *, actor: Actor) -> Any:
    """The job of a running import; one is queued for an import started before imports ran in
    workers (it advanced only while its page polled), so it finishes too."""
    from gongyou.console.tasks import run_roster_import

    if staged.status != RosterImport.Status.RUNNING:
        return jobs.BackgroundJob.objects.filter(key=roster_job_key(staged)).first()
    return jobs.enqueue(
        run_roster_import, staged.pk, actor.label, actor.user_id, user=staged.created_by, key=roster_job_key(staged)
    )


def staged_rows(staged: RosterImport) -> list[tuple[int, list[str]]]:
    """The staged file's rows, decrypted once for a whole import (import_next_chunk's
    `file_rows`): the file does not change while the import runs."""
    return _file_rows(staged)


@transaction.atomic
def import_next_chunk(
    staged: RosterImport, *, actor: Actor, file_rows: list[tuple[int, list[str]]] | None = None
) -> RosterImport:
    """Import the next CHUNK_ROWS rows (called by the roster job, console.tasks). The row lock
    makes concurrent runs take turns, so each chunk is imported once; a finished import drops
    its encrypted copy of the file. `file_rows`: the file as staged_rows read it (else it is
    decrypted and parsed here, which for every chunk of a big file costs more than the chunk)."""
    locked = RosterImport.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=staged.pk)
    if locked.status != RosterImport.Status.RUNNING or locked.enterprise is None:
        return locked
    if file_rows is None:
        file_rows = _file_rows(locked)
    chunk = file_rows[locked.position : locked.position + CHUNK_ROWS]
    batch, numbers, rejected = [], [], []
    held_rows: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for number, row in roster_io.to_rows(chunk, locked.columns):
        if str(number) in locked.held:
            held_rows.append((number, row, locked.held[str(number)]))
            continue
        batch.append(row)
        numbers.append(number)
    result = upsert_roster(locked.enterprise, batch, actor=actor) if batch else None
    if result is not None:
        for item in result.rejected:
            row = batch[item["index"]]
            rejected.append(
                {
                    "row": numbers[item["index"]],
                    "external_id": item["external_id"],
                    "name": row.get("name") or "",
                    "errors": item["errors"],
                }
            )
        locked.created += result.created
        locked.updated += result.updated
        locked.unchanged += result.unchanged
        locked.proposed_transfers += result.proposed_transfers
    failed = {item["row"] for item in (*locked.rejected, *rejected)}
    for number, row, held in held_rows:
        # Kept out by the file itself; say truthfully what became of the row it repeats.
        message = held["message"]
        if held["of"] in failed:
            message = _("与第%(row)d行重复；第%(row)d行也未导入，请改正后重新上传") % {"row": held["of"]}
        error = {"code": held["code"], "message": message}
        rejected.append(
            {
                "row": number,
                "external_id": str(row.get("external_id") or ""),
                "name": row.get("name") or "",
                "errors": {held["field"]: [error]},
            }
        )
    locked.rejected = sorted([*locked.rejected, *rejected], key=lambda r: r["row"])
    locked.position += len(chunk)
    fields = ["rejected", "position", "created", "updated", "unchanged", "proposed_transfers"]
    if locked.position >= locked.total:
        locked.status = RosterImport.Status.DONE
        locked.finished_at = timezone.now()
        # Only the rejected rows are kept, encrypted, for the error file.
        failed = {item["row"] for item in locked.rejected}
        kept = {str(number): cells for number, cells in file_rows if number in failed}
        locked.rejected_enc = crypto.encrypt(json.dumps({"rows": kept}, ensure_ascii=False)) if kept else ""
        locked.payload_enc = ""
        fields += ["status", "finished_at", "payload_enc", "rejected_enc"]
        audit.record(
            actor,
            "roster_import.finish",
            locked,
            after={
                "created": locked.created,
                "updated": locked.updated,
                "unchanged": locked.unchanged,
                "rejected": len(locked.rejected),
            },
        )
    locked.save(update_fields=fields)
    return locked



# --- second factor: activation codes ---------------------------------------------------------
#
# Why an activation code and not "enrol within N hours of account creation": the probe showed
# that whoever knows an admin's password could enrol their own phone. A time window only narrows
# that race (and every account created at go-live would be open at once); a one-time code that
# another admin (or the operator at the server, `manage.py totp_activation`) hands over on a
# second channel is something a password thief does not have. The same code re-enrols an admin
# who lost their phone: issuing it resets the device.

ACTIVATION_TTL = dt.timedelta(hours=72)
_ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over a phone


def activation_hash(user_pk: int, code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch in _ACTIVATION_ALPHABET)
    return crypto.keyed_hash("totp-activation", f"{user_pk}:{cleaned}")


@transaction.atomic
def has_confirmed_totp(user: Any) -> bool:
    """Whether `user` has an enrolled (confirmed) authenticator."""
    return StaffTOTP.objects.filter(user=user, confirmed_at__isnull=False).exists()


def issue_totp_activation(user: Any, *, actor: Actor) -> str:
    """Give `user` a fresh (unconfirmed) authenticator secret and a one-time code that unlocks
    its enrolment for ACTIVATION_TTL; returns the code, which is shown only this once."""
    code = "-".join(
        "".join(secrets.choice(_ACTIVATION_ALPHABET) for _ in range(4)) for _ in range(3)
    )
    expires = timezone.now() + ACTIVATION_TTL
    StaffTOTP.objects.update_or_create(
        user=user,
        defaults={
            "secret_enc": crypto.encrypt(totp.new_secret()),
            "confirmed_at": None,
            "last_step": None,
            "activation_hash": activation_hash(user.pk, code),
            "activation_expires_at": expires,
        },
    )
    profile = staff_profile(user)
    audit.record(
        actor,
        "totp.activation_issue",
        user,
        org=profile.org if profile else None,
        after={"expires_at": expires.isoformat()},
    )
    return code


def check_totp_activation(device: StaffTOTP, code: str) -> bool:
    if not device.activation_hash or device.activation_expires_at is None:
        return False
    if device.activation_expires_at <= timezone.now():
        return False
    # Either key: a code issued before a data-key rotation stays good until it expires.
    cleaned = "".join(ch for ch in code.upper() if ch in _ACTIVATION_ALPHABET)
    candidates = crypto.keyed_hashes("totp-activation", f"{device.user_id}:{cleaned}")
    return any(hmac.compare_digest(device.activation_hash, candidate) for candidate in candidates)
