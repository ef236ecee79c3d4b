"""Partner rosters: upsert a platform's workforce by (enterprise, external_id).

A roster makes nobody a member. It is the workforce denominator for coverage and the evidence
that a member moved: when a member shows up working for another enterprise or in another street,
the joining rule is asked where they now belong and a transfer is proposed (SPEC §3).
Rows are independent: a bad row is reported and never blocks a good one; a replayed batch
changes nothing.

Platforms push hundreds of thousands of rows, so the common case is fast (bench/README.md):
rows already in canonical form are checked by `_RowCleaner` with per-batch caches, and on
PostgreSQL new rows are streamed with COPY. Anything unusual takes the general path
(members.inputs.clean_worker), which decides every error code and message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from gongyou.core import audit, crypto, sealing
from gongyou.core.actors import SYSTEM, Actor
from gongyou.core.choices import INDUSTRY_CODES, LABOR_RELATION_CODES, LaborRelation, record_language
from gongyou.core.errors import ErrorDict, FieldErrors, RowError, django_errors
from gongyou.core.models import Enterprise, Region, Station
from gongyou.core.validators import clean_text, id_birth_date, is_clean_text, is_mobile_number, validate_uscc
from gongyou.members.inputs import CleanWorker, Lookups, clean_worker
from gongyou.members.models import Membership, Outbox, Person, RosterEntry, Transfer
from gongyou.members.routing import resolve_union
from gongyou.members.transfers import request_transfer
from gongyou.members.work import WorkContext

COMPARED = ("name", "id_hash", "phone_hash", "street_id", "station_id", "labor_relation", "industry", "active")
_ID_FORM = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_FORM = re.compile(r"1[0-9]{10}")
# First key of the PostgreSQL advisory lock that serialises roster batches of one enterprise.
_LOCK_NAMESPACE = 0x524F53  # "ROS"
# A batch with at least this many valid rows encrypts its new rows in worker processes when
# settings.GONGYOU["ROSTER_CRYPTO_WORKERS"] allows it (core.sealing); smaller ones, like most
# partner API calls, stay on the simple serial path.
PARALLEL_MIN_ROWS = 2000
# PostgreSQL-only reads with one array parameter (tests check the column lists against the models).
_EXISTING_SQL = (
    "SELECT external_id, id, name, id_hash, phone_hash, street_id, station_id, labor_relation, industry, active"
    " FROM members_rosterentry WHERE enterprise_id = %s AND external_id = ANY(%s::text[])"
)
_RECORDED_NAMES_SQL = "SELECT id_hash, name FROM members_person WHERE anonymised_at IS NULL AND id_hash = ANY(%s)"
# The batch's people in one read: the recorded-names check and whether a row can lead to a
# transfer proposal (an active membership) ask about the same 5,000 hashes.
_PEOPLE_SQL = (
    "SELECT p.id_hash, p.name, p.anonymised_at IS NULL, EXISTS (SELECT 1 FROM members_membership m"
    " WHERE m.person_id = p.id AND m.status = %s) FROM members_person p WHERE p.id_hash = ANY(%s::text[])"
)
_MEMBER_HASHES_SQL = (
    "SELECT p.id_hash FROM members_person p JOIN members_membership m ON m.person_id = p.id"
    " WHERE m.status = %s AND p.id_hash = ANY(%s)"
)


def _text_array(values: Sequence[str]) -> str:
    """A text[] literal of these values: psycopg adapts a 5,000-item list one value at a time in
    Python, which costs more than the query; the literal is one join (quotes and backslashes
    escaped, so any external id arrives as itself)."""
    return "{" + ",".join(['"' + (v.replace("\\", "\\\\").replace('"', '\\"') if "\\" in v or '"' in v else v) + '"' for v in values]) + "}"


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    proposed_transfers: int = 0


def _active_flag(value: Any, errors: FieldErrors) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return True
    shown = str(value)[:40].encode("utf-8", "replace").decode()  # an answer must encode, whatever was sent
    errors.add_code(
        "active",
        _("无法识别的在职状态“%(value)s”，可填：是/否、在职/离职、在岗/离岗、true/false") % {"value": shown},
        "bad_boolean",
    )
    return False


def _clean_row(row: Any, enterprise: Enterprise | None, lookups: Lookups) -> tuple[CleanWorker, bool]:
    if not isinstance(row, Mapping):
        raise ValidationError({"row": [ValidationError(_("每一行必须是一个对象"), code="bad_row")]})
    errors = FieldErrors()
    worker = None
    try:
        worker = clean_worker(row, require_consent=False, default_employer=enterprise, lookups=lookups)
    except ValidationError as exc:
        for name, errs in exc.error_dict.items():
            for err in errs:
                errors.add(name, err)
    if not str(row.get("external_id") or "").strip():
        errors.add_code("external_id", _("请填写外部编号"), "required")
    active = _active_flag(row.get("active", True), errors)
    errors.raise_if_any()
    assert worker is not None
    return worker, active


class _RowCleaner:
    """Validates one batch's rows. A row already in canonical form (what a platform's export
    sends) is checked here with the caches above; every other row goes through clean_worker,
    which also produces every rejection. Both accept exactly the same rows:
    - once the form and check character are right, an ID number's remaining checks (birth date
      exists, not in the future, working age) are validators.id_birth_date's, which a property
      test holds equal to validate_id_number's (without its normalisation and python-stdnum's
      re-cleaning, which cost more than the rest of the row's checks);
    - whether an 11-digit number is a valid mainland mobile is validators.is_mobile_number's
      answer, which validate_mobile gives too (phonenumbers asked once per number segment)."""

    def __init__(self, enterprise: Enterprise | None, lookups: Lookups) -> None:
        self.enterprise = enterprise
        self.lookups = lookups
        self.today = timezone.localdate()

    def clean(self, row: Any) -> tuple[str, CleanWorker, bool]:
        """(external_id, worker, active), or ValidationError."""
        fast = self._fast(row) if type(row) is dict else None
        if fast is not None:
            return fast
        worker, active = _clean_row(row, self.enterprise, self.lookups)
        return worker.external_id, worker, active

    def _mobile_ok(self, phone: str) -> bool:
        try:
            return is_mobile_number(phone)
        except Exception:
            return False  # not ours to judge: the general path reports it as it always has

    def _fast(self, row: dict[str, Any]) -> tuple[str, CleanWorker, bool] | None:
        get = row.get
        name, number, phone = get("name"), get("id_number"), get("phone")
        external_id, street_code = get("external_id"), get("street_code")
        industry, relation = get("industry"), get("labor_relation")
        station_code, active = get("station_code"), get("active", True)
        consent = get("consent_version")
        if not (
            type(name) is str and type(number) is str and type(phone) is str and type(external_id) is str
            and type(street_code) is str and type(industry) is str and industry in INDUSTRY_CODES
            and type(relation) is str and relation in LABOR_RELATION_CODES
            and (active is None or type(active) is bool)
            and (consent is None or (type(consent) is str and len(consent) <= 20 and is_clean_text(consent)))
            and get("employer_uscc") in (None, "")
        ):
            return None
        if not (0 < len(name) <= 64 and 0 < len(external_id) <= 64 and is_clean_text(name) and is_clean_text(external_id)):
            return None
        if not (_ID_FORM.fullmatch(number) and number[17] == ric.calc_check_digit(number)):
            return None
        birth = id_birth_date(number, self.today)
        if birth is None or not (_MOBILE_FORM.fullmatch(phone) and self._mobile_ok(phone)):
            return None
        street = self.lookups.streets.get(street_code)
        if street is None:
            return None
        station = None
        if station_code is not None and station_code != "":
            if type(station_code) is not str or station_code != station_code.strip():
                return None
            station = self.lookups.station(station_code)
            if station is None:
                return None
        worker = CleanWorker(
            name=name,
            id_number=number,
            birth_date=birth,
            sex="M" if int(number[16]) % 2 else "F",
            phone=phone,
            street=street,
            industry=industry,
            labor_relation=relation,
            employer=self.enterprise if relation == LaborRelation.EMPLOYEE else None,
            station=station,
            external_id=external_id,
            consent_version=consent.strip() if consent else "",
        )
        return external_id, worker, True if active is None else active


@dataclass
class _Row:
    index: int
    worker: CleanWorker
    active: bool
    id_hash: str
    phone_hash: str

    def compared(self) -> tuple[Any, ...]:
        w = self.worker
        return (
            w.name, self.id_hash, self.phone_hash, w.street.pk, w.station.pk if w.station else None,
            w.labor_relation, w.industry, self.active,
        )



def _external_id(row: Any) -> str:
    """A row's external id as clean text; "" when it has none or it is not text (a rejected row
    echoes it, and the answer must encode whatever was sent)."""
    if not isinstance(row, Mapping):
        return ""
    try:
        return clean_text(row.get("external_id"), numbers=True)
    except ValidationError:
        return ""


def _prefetch(lookups: Lookups, rows: Sequence[Any]) -> None:
    """Load every station and employer a batch names, found or not, before the COPY stream
    opens: no query may run on the connection while it streams."""
    stations: set[str] = set()
    usccs: set[str] = set()
    for row in rows:
        if isinstance(row, Mapping):
            code = row.get("station_code")
            if type(code) is str and is_clean_text(code):
                stations.add(code)  # what clean_text returns for it, without its checks
            elif code is not None:
                with contextlib.suppress(ValidationError):
                    stations.add(clean_text(code, numbers=True))
            uscc = row.get("employer_uscc")
            if uscc is not None and uscc != "":  # validate_uscc refuses both: nothing to load
                with contextlib.suppress(ValidationError):
                    usccs.add(validate_uscc(clean_text(uscc, numbers=True)))
    stations.discard("")
    lookups.prefetch(stations, usccs)
    for code in stations:
        lookups.station(code)
    for uscc in usccs:
        lookups.enterprise(uscc)


def _lock_and_read_existing(enterprise: Enterprise, external_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """external_id → (pk, *COMPARED) of this batch's rows already on the roster, rows locked
    (other databases than PostgreSQL; there _BatchReads takes an advisory lock and reads in a
    thread). The lock serialises batches of one enterprise, so rows found missing here are still
    missing when we insert them (a replayed batch racing its original cannot insert twice)."""
    qs = RosterEntry.objects.select_for_update().filter(enterprise=enterprise, external_id__in=external_ids)
    return {row[0]: row[1:] for row in qs.values_list("external_id", "pk", *COMPARED)}


def _lock(enterprise: Enterprise) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, enterprise.pk & 0x7FFFFFFF])


def _read_existing(raw: Any, enterprise: Enterprise, external_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """_EXISTING_SQL on the batch's psycopg connection `raw` (PostgreSQL)."""
    with raw.cursor() as cursor:
        # One array parameter instead of 5,000 placeholders: the ORM's IN list costs more to
        # build and bind than the index lookups themselves.
        cursor.execute(_EXISTING_SQL, [enterprise.pk, _text_array(external_ids)])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _read_people(raw: Any, id_hashes: list[str]) -> tuple[dict[str, str], set[str]]:
    """_PEOPLE_SQL on the batch's psycopg connection `raw` (PostgreSQL): (recorded names,
    hashes of people with an active membership)."""
    names: dict[str, str] = {}
    members: set[str] = set()
    with raw.cursor() as cursor:
        cursor.execute(_PEOPLE_SQL, [str(Membership.Status.ACTIVE.value), _text_array(id_hashes)])
        for id_hash, name, on_record, member in cursor.fetchall():
            if on_record:
                names[id_hash] = name
            if member:
                members.add(id_hash)
    return names, members


class _BatchReads:
    """A batch's reads under its lock — its rows already on the roster, and the people its ID
    numbers name (recorded names, active members) — started before its rows are cleaned. On
    PostgreSQL a thread waits for them on the batch's connection (psycopg lets go of the GIL
    while it waits), so the server reads while this thread checks the rows, instead of each
    waiting for the other. The reads ask for each row's external id and ID number as sent
    (the canonical rows'); what the general path cleans into something else is read after.
    Nothing else may use the connection until result()."""

    def __init__(self, enterprise: Enterprise, rows: Sequence[Any], sealer: crypto.Sealer) -> None:
        self.enterprise = enterprise
        self.sealer = sealer
        self.postgres = connection.vendor == "postgresql"
        self.hashes: dict[str, str] = {}  # ID number as sent → its hash (the row's, when canonical)
        self.ids: set[str] = set()
        self.existing: dict[str, tuple[Any, ...]] = {}
        self.names: dict[str, str] = {}
        self.members: set[str] = set()
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        if not self.postgres:
            return
        id_hash = sealer.id_hash
        for row in rows:
            if isinstance(row, Mapping):
                external_id, number = row.get("external_id"), row.get("id_number")
                # Only values the fast path could accept as they are: anything else (broken
                # Unicode, control characters, spaces) is cleaned first and read after.
                if type(external_id) is str and is_clean_text(external_id):
                    self.ids.add(external_id)
                if type(number) is str and number not in self.hashes and _ID_FORM.fullmatch(number):
                    self.hashes[number] = id_hash(number)
        _lock(enterprise)
        self.thread = threading.Thread(target=self._read, args=(connection.connection,), daemon=True)
        self.thread.start()

    def _read(self, raw: Any) -> None:
        try:
            self.existing = _read_existing(raw, self.enterprise, list(self.ids))
            self.names, self.members = _read_people(raw, list(set(self.hashes.values())))
        except BaseException as exc:  # raised in the batch's thread by result()
            self.error = exc

    def id_hash(self, id_number: str) -> str:
        known = self.hashes.get(id_number)
        return self.sealer.id_hash(id_number) if known is None else known

    def _join(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def __enter__(self) -> _BatchReads:
        return self

    def __exit__(self, *exc: object) -> None:
        self._join()  # the connection is the batch's again, whatever happened

    def result(self, external_ids: list[str], id_hashes: list[str]) -> tuple[dict[str, tuple[Any, ...]], dict[str, str], set[str] | None]:
        """(existing rows by external id, recorded names, active members or None = not read)
        for the rows that passed their checks."""
        if not self.postgres:
            # None: the active members are asked later (_with_active_membership).
            return _lock_and_read_existing(self.enterprise, external_ids), recorded_names(id_hashes), None
        self._join()
        if self.error is not None:
            raise self.error
        raw = connection.connection
        missing_ids = [external_id for external_id in external_ids if external_id not in self.ids]
        if missing_ids:
            self.existing.update(_read_existing(raw, self.enterprise, missing_ids))
        asked = set(self.hashes.values())
        missing_hashes = list({id_hash for id_hash in id_hashes if id_hash not in asked})
        if missing_hashes:
            names, members = _read_people(raw, missing_hashes)
            self.names.update(names)
            self.members |= members
        return self.existing, self.names, self.members


_COPY_SQL = (
    "COPY members_rosterentry (enterprise_id, external_id, id_enc, id_masked, phone_enc, phone_masked,"
    " first_seen_at, last_seen_at, updated_at, name, id_hash, phone_hash, street_id, station_id,"
    " labor_relation, industry, active) FROM STDIN"
)


# Rows per write to the COPY stream: about 60 KB, a few of psycopg's 32 KB sends.
_COPY_CHUNK = 200
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    """A text value as COPY's text format writes it (backslash, tab and line breaks escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


class _Inserter:
    """Stores new rows as they are cleaned. On PostgreSQL they stream through COPY, so the
    server stores, indexes and checks rows while Python validates and encrypts the next ones;
    elsewhere they are bulk-created at the end. With `workers`, rows are only collected by
    add() and finish() has them encrypted in worker processes (core.sealing), streaming each
    chunk while the workers seal the next."""

    def __init__(self, enterprise: Enterprise, now: dt.datetime, sealer: crypto.Sealer, workers: int = 0) -> None:
        self.enterprise = enterprise
        self.now = now
        self.stamps = "\t".join([now.isoformat()] * 3)  # first_seen_at, last_seen_at, updated_at
        self.enterprise_pk = enterprise.pk
        self.lines: list[str] = []
        self.sealer = sealer
        self.workers = workers
        self.pending: list[tuple[str, _Row]] = []
        self.created: list[str] = []
        self.entries: list[RosterEntry] = []
        self.stack = contextlib.ExitStack()
        self.copy: Any = None
        self.postgres = connection.vendor == "postgresql"

    def __enter__(self) -> _Inserter:
        return self

    def _open_copy(self) -> None:
        # No foreign-key constraint checks a streamed row (models.RosterEntry says why): its
        # street and station come from the batch's lookups, its enterprise is the batch's own.
        self.cursor = self.stack.enter_context(connection.cursor()).cursor
        self.copy = self.stack.enter_context(self.cursor.copy(_COPY_SQL))

    def add(self, external_id: str, row: _Row) -> None:
        if self.workers:
            self.pending.append((external_id, row))
            return
        self._store(external_id, row, sealing.seal_pair(row.worker.id_number, row.worker.phone, self.sealer))

    def finish(self) -> None:
        """Store the rows add() collected for the workers (nothing to do on the serial path)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        pairs = [(row.worker.id_number, row.worker.phone) for _external_id, row in pending]
        done = 0
        for chunk in sealing.seal_in_workers(pairs, workers=self.workers):
            for (external_id, row), values in zip(pending[done : done + len(chunk)], chunk, strict=True):
                self._store(external_id, row, values)
            done += len(chunk)

    def _store(self, external_id: str, row: _Row, sealed: sealing.Sealed) -> None:
        """sealed: (id_enc, id_masked, phone_enc, phone_masked)."""
        self.created.append(external_id)
        if self.postgres:
            if self.copy is None:
                self._open_copy()
            w = row.worker
            station = "\\N" if w.station is None else w.station.pk
            # The row in COPY's text format, written by hand: psycopg's write_row adapts all 17
            # values one by one and cost more than the row's encryption. Only the name and the
            # external id are free text (clean text: printable, so a backslash is all that can
            # need escaping); the rest are digits, base64, hex, codes and our own timestamp.
            self.lines.append(
                f"{self.enterprise_pk}\t{_copy_text(external_id)}\t{sealed[0]}\t{sealed[1]}\t{sealed[2]}\t{sealed[3]}\t"
                f"{self.stamps}\t{_copy_text(w.name)}\t{row.id_hash}\t{row.phone_hash}\t{w.street.pk}\t"
                f"{station}\t{w.labor_relation}\t{w.industry}\t{'t' if row.active else 'f'}\n"
            )
            if len(self.lines) >= _COPY_CHUNK:
                self.flush()
            return
        id_enc, id_masked, phone_enc, phone_masked = sealed
        self.entries.append(
            RosterEntry(
                enterprise=self.enterprise, external_id=external_id, id_enc=id_enc, id_masked=id_masked,
                phone_enc=phone_enc, phone_masked=phone_masked,
                first_seen_at=self.now, last_seen_at=self.now, updated_at=self.now,
                **dict(zip(COMPARED, row.compared(), strict=True)),
            )
        )

    def flush(self) -> None:
        """Hand the rows written so far to the COPY stream (the server stores them while the
        next rows are prepared)."""
        if self.lines:
            self.copy.write("".join(self.lines))
            self.lines = []

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None and self.copy is not None:
            self.flush()
        self.stack.__exit__(exc_type, *exc)  # type: ignore[arg-type]
        if exc_type is not None:
            return  # the transaction is rolled back
        if self.entries:
            RosterEntry.objects.bulk_create(self.entries, batch_size=1000)


# What the audit row shows of a changed roster entry: masked numbers stand in for the hashes,
# so the log (kept for months) never becomes a copy of the registry.
_AUDITED = {"id_hash": "id_masked", "phone_hash": "phone_masked"}


def _update(changed: dict[int, _Row], now: dt.datetime) -> tuple[list[RosterEntry], dict[str, dict[str, list[Any]]]]:
    """Store changed rows; returns them in batch order and, per external_id, each changed
    field as [before, after] for the audit row."""
    found = RosterEntry.objects.in_bulk(list(changed))
    entries = [found[pk] for pk in changed]  # in batch order, for the audit row
    changes: dict[str, dict[str, list[Any]]] = {}
    for entry in entries:
        row = changed[entry.pk]
        w = row.worker
        before = {key: getattr(entry, _AUDITED.get(key, key)) for key in COMPARED}
        if entry.id_hash != row.id_hash:
            entry.id_enc = crypto.encrypt(w.id_number)
            entry.id_masked = crypto.mask_id_number(w.id_number)
        if entry.phone_hash != row.phone_hash:
            entry.phone_enc = crypto.encrypt(w.phone)
            entry.phone_masked = crypto.mask_phone(w.phone)
        for key, value in zip(COMPARED, row.compared(), strict=True):
            setattr(entry, key, value)
        after = {key: getattr(entry, _AUDITED.get(key, key)) for key in COMPARED}
        changes[entry.external_id] = {
            key.removesuffix("_hash"): [before[key], after[key]] for key in COMPARED if before[key] != after[key]
        }
        entry.last_seen_at = entry.updated_at = now
    RosterEntry.objects.bulk_update(
        entries,
        [*COMPARED, "id_enc", "id_masked", "phone_enc", "phone_masked", "last_seen_at", "updated_at"],
        batch_size=1000,
    )
    return entries, changes


def recorded_names(id_hashes: list[str]) -> dict[str, str]:
    """id_hash → name of the people already on record (not anonymised) among these."""
    found: dict[str, str] = {}
    unique = list(set(id_hashes))
    if connection.vendor == "postgresql":
        # One array parameter: the ORM's 1,000-item IN lists cost more to build than the lookups.
        with connection.cursor() as cursor:
            cursor.execute(_RECORDED_NAMES_SQL, [unique])
            return dict(cursor.fetchall())
    for start in range(0, len(unique), 1000):
        chunk = unique[start : start + 1000]
        found.update(
            Person.objects.filter(id_hash__in=chunk, anonymised_at__isnull=True).values_list("id_hash", "name")
        )
    return found


def check_recorded_name(worker: CleanWorker, names: dict[str, str], id_hash: str | None = None) -> None:
    """A row naming a person on record under another name is refused, as the join refuses it
    (members.services.join): otherwise anyone's ID number with any name would put them on a
    roster and open their membership to lookups. `id_hash`: worker.id_hash when already known."""
    recorded = names.get(worker.id_hash if id_hash is None else id_hash)
    if recorded is not None and recorded != worker.name:
        raise ValidationError({"name": [ValidationError(_("姓名与身份证号码登记的信息不一致"), code="name_mismatch")]})


def upsert_roster(
    enterprise: Enterprise,
    rows: Sequence[Any],
    *,
    actor: Actor,
    lookups: Lookups | None = None,
    crypto_workers: int | None = None,
) -> RosterResult:
    """Upsert one batch (≤ ROSTER_BATCH_MAX rows) of a platform's roster by external_id:
    created / updated / unchanged counts, and every bad row rejected with its errors while the
    good rows are stored. Active rows that are new or changed may propose transfers.
    `crypto_workers`: worker processes that encrypt the new rows of a batch of at least
    PARALLEL_MIN_ROWS valid rows (default settings.GONGYOU["ROSTER_CRYPTO_WORKERS"]; 0 = none)."""
    lookups = lookups or Lookups()
    sealer = crypto.Sealer()  # one key look-up for the batch's hashes and ciphertexts
    _prefetch(lookups, rows)
    result = RosterResult()
    cleaner = _RowCleaner(enterprise, lookups)
    cleaned: dict[str, _Row] = {}
    changed: dict[int, _Row] = {}
    changed_hashes: list[str] = []
    now = timezone.now()
    task: Outbox | None = None
    if crypto_workers is None:
        crypto_workers = settings.GONGYOU["ROSTER_CRYPTO_WORKERS"]
    passed: list[tuple[int, Any, str, CleanWorker, bool, str]] = []
    with transaction.atomic():
        lookups.streets  # noqa: B018 -- loaded now: nothing may query while the reads run
        # Clean every row first: whether a row names a person already on record under another
        # name is one query for the whole batch. The reads run meanwhile (_BatchReads).
        with _BatchReads(enterprise, rows, sealer) as reads:
            for index, raw in enumerate(rows):
                try:
                    external_id, worker, active = cleaner.clean(raw)
                except ValidationError as exc:
                    result.rejected.append({"index": index, "external_id": _external_id(raw), "errors": django_errors(exc)})
                    continue
                # Each row's ID hash is computed once (the reads, the name check and the stored row use it).
                passed.append((index, raw, external_id, worker, active, reads.id_hash(worker.id_number)))
            # Only rows that passed their checks count (under the external id they are stored under).
            existing, names, members = reads.result(
                list({external_id for _i, _r, external_id, *_rest in passed}), [id_hash for *_rest, id_hash in passed]
            )
        workers = crypto_workers if len(passed) >= PARALLEL_MIN_ROWS else 0
        with _Inserter(enterprise, now, sealer, workers) as inserter:
            for index, raw, external_id, worker, active, id_hash in passed:
                try:
                    if external_id in cleaned:
                        raise ValidationError(
                            {"external_id": [ValidationError(_("同一批次中外部编号重复"), code="duplicate_in_batch")]}
                        )
                    check_recorded_name(worker, names, id_hash)
                except ValidationError as exc:
                    result.rejected.append({"index": index, "external_id": _external_id(raw), "errors": django_errors(exc)})
                    continue
                row = cleaned[external_id] = _Row(index, worker, active, id_hash, sealer.phone_hash(worker.phone))
                found = existing.get(external_id)
                if found is None:
                    inserter.add(external_id, row)
                elif found[1:] != row.compared():
                    changed[found[0]] = row
                else:
                    result.unchanged += 1
                    continue
                if active:
                    changed_hashes.append(row.id_hash)
            inserter.finish()
        updated, changes = _update(changed, now) if changed else ([], {})
        result.created, result.updated = len(inserter.created), len(updated)
        if inserter.created or updated:
            audit.record(
                actor,
                "roster.upsert",
                enterprise,
                before={"changes": {key: {f: v[0] for f, v in diff.items()} for key, diff in changes.items()}}
                if changes
                else None,
                after={"created": inserter.created, "updated": [e.external_id for e in updated]}
                | ({"changes": {key: {f: v[1] for f, v in diff.items()} for key, diff in changes.items()}} if changes else {}),
            )
        # The proposals this batch calls for are recorded with its rows, in its transaction.
        task = _record_follow_up(enterprise, changed_hashes, cleaned, members)
    if task is not None:
        result.proposed_transfers = process_outbox_task(task.pk)
    return result


def check_roster_file(rows: Sequence[Any], numbers: Sequence[int]) -> list[ErrorDict]:
    """What importing these rows (one file, in order) would do to each: {} for a row that is
    imported, else its errors as upsert_roster reports them. `numbers` are the rows' numbers as
    the uploader sees them, for the messages.

    One file gives each worker one row: when an external id repeats, the first row that passes
    its checks is imported and the later ones are not (an earlier failing row keeps its own
    errors; nothing claims it was imported). The same ID number under a second external id of
    the enterprise is the same person twice: the later row is not imported either."""
    lookups = Lookups()
    _prefetch(lookups, rows)
    cleaner = _RowCleaner(None, lookups)
    out: list[ErrorDict] = []
    kept: dict[str, int] = {}  # external_id → index of the row imported for it
    people: dict[str, int] = {}  # id_hash → index of the row imported for that person
    external_ids: list[str] = []
    passed: dict[int, tuple[str, CleanWorker]] = {}
    hashes: dict[int, str] = {}  # each row's ID hash, computed once
    sealer = crypto.Sealer()
    failed: dict[int, ValidationError] = {}
    for index, raw in enumerate(rows):
        try:
            external_id, worker, _active = cleaner.clean(raw)
        except ValidationError as exc:
            failed[index] = exc
        else:
            passed[index] = (external_id, worker)
            hashes[index] = sealer.id_hash(worker.id_number)
    names = recorded_names(list(hashes.values()))
    for index, raw in enumerate(rows):
        if index in passed:
            external_id, worker = passed[index]
            try:
                check_recorded_name(worker, names, hashes[index])
            except ValidationError as exc:
                failed[index] = exc
        if index in failed:
            out.append(django_errors(failed[index]))
            external_ids.append(_external_id(raw))
            continue
        external_ids.append(external_id)
        if external_id in kept:
            first = numbers[kept[external_id]]
            message = _("与第%(row)d行重复，本行不导入（以第%(row)d行为准）") % {"row": first}
            out.append({"external_id": [{"code": "duplicate_in_file", "message": message, "of": first}]})
            continue
        same = people.get(hashes[index])
        if same is not None:
            message = _(
                "与第%(row)d行（外部编号%(external_id)s）相同：同一个人在一家企业只应有一个外部编号，本行不导入"
            ) % {"row": numbers[same], "external_id": external_ids[same]}
            out.append({"id_number": [{"code": "same_person_in_file", "message": message, "of": numbers[same]}]})
            continue
        kept[external_id] = people[hashes[index]] = index
        out.append({})
    return out


def _with_active_membership(id_hashes: list[str]) -> list[str]:
    """The hashes among these that belong to a person with an active membership: on
    PostgreSQL one array-parameter query narrows a 5,000-row batch to the few members in it."""
    if not id_hashes or connection.vendor != "postgresql":
        return id_hashes
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_HASHES_SQL, [Membership.Status.ACTIVE, id_hashes])
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class SeenWork:
    """Where a roster row says a person works: what a transfer proposal needs, kept in the outbox."""

    street: Region
    industry: str
    labor_relation: str
    station: Station | None


def _record_follow_up(
    enterprise: Enterprise, id_hashes: list[str], cleaned: dict[str, _Row], members: set[str] | None = None
) -> Outbox | None:
    """An outbox row for the transfer proposals of these active new or changed rows (only rows
    of people with an active membership can lead to one). `members`: the batch's hashes with an
    active membership when already read (_BatchReads)."""
    id_hashes = _with_active_membership(id_hashes) if members is None else [h for h in id_hashes if h in members]
    if not id_hashes:
        return None
    wanted = set(id_hashes)
    seen = {
        row.id_hash: [row.worker.street.pk, row.worker.industry, row.worker.labor_relation, row.worker.station.pk if row.worker.station else None]
        for row in cleaned.values()
        if row.id_hash in wanted
    }
    return Outbox.objects.create(kind=Outbox.Kind.PROPOSE_TRANSFERS, enterprise=enterprise, payload={"seen": seen})


def process_outbox_task(pk: int) -> int:
    """Do one outbox task unless it is done or another process holds it; the proposals and the
    "done" mark commit together, so a task is done exactly once. Returns proposals made."""
    with transaction.atomic():
        locked = Outbox.objects.select_for_update(skip_locked=True).filter(pk=pk, done_at__isnull=True)
        task = locked.select_related("enterprise").first()
        if task is None:
            return 0
        seen = task.payload["seen"]
        streets = Region.objects.in_bulk({v[0] for v in seen.values()})
        stations = Station.objects.in_bulk({v[3] for v in seen.values() if v[3] is not None})
        work = {
            id_hash: SeenWork(streets[street], industry, relation, stations.get(station) if station else None)
            for id_hash, (street, industry, relation, station) in seen.items()
            if street in streets
        }
        proposed = propose_transfers(task.enterprise, list(work), work)
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return proposed


def process_outbox() -> int:
    """The sweep (`manage.py process_outbox`): every task not yet done, oldest first. Idempotent."""
    pending = list(Outbox.objects.filter(done_at__isnull=True).order_by("id").values_list("pk", flat=True))
    return sum(process_outbox_task(pk) for pk in pending)


def purge_done_outbox(before: dt.datetime) -> int:
    """Delete outbox tasks done before `before` (their payload lists the workers a roster batch
    saw, by ID hash: kept no longer than the work needs). Pending tasks are never touched."""
    deleted, _ = Outbox.objects.filter(done_at__lt=before).delete()
    return deleted


def propose_transfers(enterprise: Enterprise, id_hashes: list[str], workers: dict[str, SeenWork]) -> int:
    """Propose a transfer for each member whom this roster shows working somewhere new: for
    another enterprise (no longer active on their recorded employer's roster) or, for the same
    employer, in another street. The joining rule names the target union."""
    id_hashes = _with_active_membership(id_hashes)
    if not id_hashes:
        return 0
    proposed = 0
    memberships = Membership.objects.select_related("person", "org").filter(
        status=Membership.Status.ACTIVE, person__id_hash__in=id_hashes
    )
    for membership in memberships:
        person = membership.person
        worker = workers[person.id_hash]
        # A new employer only counts when this roster says the person is *employed* here and
        # their recorded employer no longer lists them as active: riders often deliver for
        # several platforms at once, which is not a move.
        moved_employer = (
            person.employer_id is not None
            and person.employer_id != enterprise.pk
            and worker.labor_relation == "employee"
            and not RosterEntry.objects.filter(
                enterprise_id=person.employer_id, id_hash=person.id_hash, active=True
            ).exists()
        )
        moved_street = person.employer_id in (None, enterprise.pk) and worker.street.pk != person.work_street_id
        if not (moved_employer or moved_street):
            continue
        new_employer = enterprise if worker.labor_relation == "employee" else None
        new_work = WorkContext(worker.street, worker.industry, worker.labor_relation, new_employer, worker.station)
        routing = resolve_union(new_work)
        if routing.union.pk == membership.org_id:
            continue
        with record_language():
            why = (
                _("名册显示该会员已在%(enterprise)s工作") % {"enterprise": enterprise.name}
                if moved_employer
                else _("名册显示该会员的工作街镇已变为%(street)s") % {"street": worker.street.name}
            )
        try:
            request_transfer(
                membership,
                routing.union,
                initiator=Transfer.Initiator.SYSTEM,
                actor=SYSTEM,
                reason=f"{why}；{routing.record_reason}",
                new_context=new_work,
            )
            proposed += 1
        except ValidationError:
            continue  # a transfer is already pending, or the membership changed meanwhile
    return proposed
