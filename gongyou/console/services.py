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

from gongyou.console import totp
from gongyou.console.models import RosterImport, StaffTOTP
from gongyou.console.roster_io import read_rows, validate
from gongyou.core import audit, crypto
from gongyou.core.access import staff_profile
from gongyou.core.actors import Actor
from gongyou.core.models import Enterprise
from gongyou.members.roster import upsert_roster

CHUNK_ROWS = min(500, settings.GONGYOU["ROSTER_BATCH_MAX"])


def stage_roster_import(handle: IO[bytes], *, filename: str, user: Any, actor: Actor) -> RosterImport:
    """Read and check an uploaded roster; nothing reaches the roster until it is started.
    Raises ValidationError for an unreadable file."""
    rows = read_rows(handle)
    valid, invalid, preview = validate(rows)
    with transaction.atomic():
        staged = RosterImport.objects.create(
            created_by=user,
            filename=filename[:200],
            payload_enc=crypto.encrypt(json.dumps(rows, ensure_ascii=False)),
            total=len(rows),
            valid_count=valid,
            invalid_count=invalid,
            preview=preview,
        )
        audit.record(actor, "roster_import.stage", staged, after={"filename": staged.filename, "rows": len(rows)})
    return staged


@transaction.atomic
def start_roster_import(staged: RosterImport, enterprise: Enterprise, *, actor: Actor) -> RosterImport:
    locked = RosterImport.objects.select_for_update().get(pk=staged.pk)
    if locked.status == RosterImport.Status.PREVIEW:
        locked.enterprise = enterprise
        locked.status = RosterImport.Status.RUNNING
        locked.save(update_fields=["enterprise", "status"])
        audit.record(actor, "roster_import.start", locked, after={"enterprise": enterprise.pk, "rows": locked.total})
    return locked


def _first_seen(rows: list[list[Any]]) -> dict[str, int]:
    first: dict[str, int] = {}
    for number, row in rows:
        key = str(row.get("external_id") or "")
        if key:
            first.setdefault(key, number)
    return first


@transaction.atomic
def import_next_chunk(staged: RosterImport, *, actor: Actor) -> RosterImport:
    """Import the next CHUNK_ROWS rows. The row lock makes concurrent polls take turns, so each
    chunk is imported once; a finished import drops its encrypted copy of the file."""
    locked = RosterImport.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=staged.pk)
    if locked.status != RosterImport.Status.RUNNING or locked.enterprise is None:
        return locked
    rows = json.loads(crypto.decrypt(locked.payload_enc)) if locked.payload_enc else []
    first = _first_seen(rows)
    chunk = rows[locked.position : locked.position + CHUNK_ROWS]
    batch, numbers, rejected = [], [], []
    for number, row in chunk:
        key = str(row.get("external_id") or "")
        if key and first[key] != number:
            # upsert_roster only sees one chunk; a repeat later in the file would overwrite silently.
            rejected.append({"row": number, "external_id": key, "name": row.get("name") or "",
                             "errors": {"external_id": [{"code": "duplicate_in_file", "message": _dup_message(first[key])}]}})
            continue
        batch.append(row)
        numbers.append(number)
    result = upsert_roster(locked.enterprise, batch, actor=actor) if batch else None
    if result is not None:
        for item in result.rejected:
            row = batch[item["index"]]
            rejected.append({"row": numbers[item["index"]], "external_id": item["external_id"], "name": row.get("name") or "", "errors": item["errors"]})
        locked.created += result.created
        locked.updated += result.updated
        locked.unchanged += result.unchanged
        locked.proposed_transfers += result.proposed_transfers
    locked.rejected = sorted([*locked.rejected, *rejected], key=lambda r: r["row"])
    locked.position += len(chunk)
    fields = ["rejected", "position", "created", "updated", "unchanged", "proposed_transfers"]
    if locked.position >= locked.total:
        locked.status = RosterImport.Status.DONE
        locked.finished_at = timezone.now()
        locked.payload_enc = ""
        fields += ["status", "finished_at", "payload_enc"]
        audit.record(
            actor, "roster_import.finish", locked,
            after={"created": locked.created, "updated": locked.updated, "unchanged": locked.unchanged, "rejected": len(locked.rejected)},
        )
    locked.save(update_fields=fields)
    return locked


def _dup_message(first_row: int) -> str:
    from django.utils.translation import gettext as _

    return _("外部编号与第%(row)d行重复，已按第%(row)d行导入") % {"row": first_row}


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
    return hmac.compare_digest(device.activation_hash, activation_hash(device.user_id, code))
