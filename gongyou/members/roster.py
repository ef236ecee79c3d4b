"""Partner rosters: upsert a platform's workforce by (enterprise, external_id).

A roster makes nobody a member. It is the workforce denominator for coverage and the evidence
that a member moved: when a member shows up working for another enterprise or in another street,
the joining rule is asked where they now belong and a transfer is proposed (SPEC §3).
Rows are independent: a bad row is reported and never blocks a good one; a replayed batch
changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongyou.core import audit, crypto
from gongyou.core.actors import SYSTEM, Actor
from gongyou.core.models import Enterprise
from gongyou.members.inputs import CleanWorker, FieldErrors, Lookups, clean_worker
from gongyou.members.models import Membership, RosterEntry, Transfer
from gongyou.members.routing import resolve_union

COMPARED = ("name", "id_hash", "phone_hash", "street_id", "station_id", "labor_relation", "industry", "active")


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    proposed_transfers: int = 0


def _active_flag(value: Any, errors: FieldErrors) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return True
    errors.add_code("active", _("active 必须是 true 或 false"), "bad_boolean")
    return False


def _clean_row(row: Any, enterprise: Enterprise, lookups: Lookups) -> tuple[CleanWorker, bool]:
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


def _entry_values(worker: CleanWorker, active: bool) -> dict[str, Any]:
    return {
        "name": worker.name,
        "id_hash": worker.id_hash,
        "phone_hash": worker.phone_hash,
        "street_id": worker.street.pk,
        "station_id": worker.station.pk if worker.station else None,
        "labor_relation": worker.labor_relation,
        "industry": worker.industry,
        "active": active,
    }


def _errors_json(exc: ValidationError) -> dict[str, list[dict[str, str]]]:
    return {
        name: [{"code": e.code or "invalid", "message": str(e.message % e.params if e.params else e.message)} for e in errs]
        for name, errs in exc.error_dict.items()
    }


def upsert_roster(
    enterprise: Enterprise, rows: Sequence[Any], *, actor: Actor, lookups: Lookups | None = None
) -> RosterResult:
    lookups = lookups or Lookups()
    lookups.prefetch(
        {str(r.get("station_code") or "").strip() for r in rows if isinstance(r, Mapping)} - {""},
        set(),
    )
    result = RosterResult()
    cleaned: dict[str, tuple[int, CleanWorker, bool]] = {}
    for index, row in enumerate(rows):
        external_id = str(row.get("external_id") or "").strip() if isinstance(row, Mapping) else ""
        try:
            worker, active = _clean_row(row, enterprise, lookups)
            if external_id in cleaned:
                raise ValidationError(
                    {"external_id": [ValidationError(_("同一批次中外部编号重复"), code="duplicate_in_batch")]}
                )
        except ValidationError as exc:
            result.rejected.append({"index": index, "external_id": external_id, "errors": _errors_json(exc)})
            continue
        cleaned[external_id] = (index, worker, active)

    now = timezone.now()
    changed_hashes: list[str] = []
    with transaction.atomic():
        existing = {
            e.external_id: e
            for e in RosterEntry.objects.select_for_update().filter(enterprise=enterprise, external_id__in=list(cleaned))
        }
        to_create, to_update = [], []
        for external_id, (_index, worker, active) in cleaned.items():
            values = _entry_values(worker, active)
            entry = existing.get(external_id)
            if entry is None:
                to_create.append(
                    RosterEntry(
                        enterprise=enterprise,
                        external_id=external_id,
                        id_enc=crypto.encrypt(worker.id_number),
                        id_masked=crypto.mask_id_number(worker.id_number),
                        phone_enc=crypto.encrypt(worker.phone),
                        phone_masked=crypto.mask_phone(worker.phone),
                        first_seen_at=now,
                        last_seen_at=now,
                        updated_at=now,
                        **values,
                    )
                )
            elif any(getattr(entry, k) != v for k, v in values.items()):
                if entry.id_hash != values["id_hash"]:
                    entry.id_enc = crypto.encrypt(worker.id_number)
                    entry.id_masked = crypto.mask_id_number(worker.id_number)
                if entry.phone_hash != values["phone_hash"]:
                    entry.phone_enc = crypto.encrypt(worker.phone)
                    entry.phone_masked = crypto.mask_phone(worker.phone)
                for k, v in values.items():
                    setattr(entry, k, v)
                entry.last_seen_at = entry.updated_at = now
                to_update.append(entry)
            else:
                result.unchanged += 1
                continue
            if active:
                changed_hashes.append(values["id_hash"])
        RosterEntry.objects.bulk_create(to_create, batch_size=1000)
        RosterEntry.objects.bulk_update(
            to_update,
            [*COMPARED, "id_enc", "id_masked", "phone_enc", "phone_masked", "last_seen_at", "updated_at"],
            batch_size=1000,
        )
        result.created, result.updated = len(to_create), len(to_update)
        if to_create or to_update:
            audit.record(
                actor,
                "roster.upsert",
                enterprise,
                after={
                    "created": [e.external_id for e in to_create],
                    "updated": [e.external_id for e in to_update],
                },
            )
    by_hash = {w.id_hash: (w, active) for _i, w, active in cleaned.values()}
    result.proposed_transfers = propose_transfers(enterprise, changed_hashes, by_hash)
    return result


def propose_transfers(
    enterprise: Enterprise, id_hashes: list[str], workers: dict[str, tuple[CleanWorker, bool]]
) -> int:
    """Propose a transfer for each member whom this roster shows working somewhere new: for
    another enterprise (no longer active on their recorded employer's roster) or, for the same
    employer, in another street. The joining rule names the target union."""
    from gongyou.members.transfers import request_transfer, work_context

    if not id_hashes:
        return 0
    proposed = 0
    memberships = Membership.objects.select_related("person", "org").filter(
        status=Membership.Status.ACTIVE, person__id_hash__in=id_hashes
    )
    for membership in memberships:
        person = membership.person
        worker, _active = workers[person.id_hash]
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
        routing = resolve_union(
            street=worker.street,
            industry=worker.industry,
            labor_relation=worker.labor_relation,
            employer=new_employer,
            station=worker.station,
        )
        if routing.union.pk == membership.org_id:
            continue
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
                reason=f"{why}；{routing.reason}",
                new_context=work_context(
                    street=worker.street,
                    employer=new_employer,
                    station=worker.station,
                    industry=worker.industry,
                    labor_relation=worker.labor_relation,
                ),
            )
            proposed += 1
        except ValidationError:
            continue  # a transfer is already pending, or the membership changed meanwhile
    return proposed
