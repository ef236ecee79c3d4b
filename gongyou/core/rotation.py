"""Rotating the data key: re-encrypt every ciphertext and rebuild every keyed hash under the
current GONGYOU_DATA_KEY, reading what is left with GONGYOU_DATA_KEY_PREVIOUS.

The rows to do are those with a ciphertext not sealed by the current key (crypto.current_prefix),
so the rotation is resumable by construction: stop it anywhere, run it again, it carries on.
Each batch is one transaction that locks its rows, rewrites ciphertexts and hashes together, so
a row is never half-rotated and a concurrent write to the same row waits for the batch.

While it runs, lookups ask for both hashes (crypto.id_hashes…) and decryption tries both keys.
Joins *between* tables on a hash (a roster entry to its person) match again once both rows are
rotated; run it when imports are quiet (deploy/README.md, "Rotating the data key").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q

from gongyou.core import audit, crypto
from gongyou.core.actors import Actor
from gongyou.core.checks import DATA_KEY, RETIRING_KEY, fingerprint
from gongyou.core.models import KeyFingerprint

Progress = Callable[[str, int, int], None]  # (model label, rows done, rows to do)


@dataclass(frozen=True)
class RotationResult:
    rows: dict[str, int]  # model label → rows rotated in this run


def pending(model: type[models.Model], encrypted: tuple[str, ...]) -> models.QuerySet[models.Model]:
    """Rows with at least one non-empty ciphertext not sealed by the current key."""
    prefix = crypto.current_prefix()
    stale = Q()
    for name in encrypted:
        stale |= ~Q(**{name: ""}) & ~Q(**{f"{name}__startswith": prefix})
    return model._base_manager.filter(stale)


def _rotate_row(row: models.Model, sealed: crypto.Sealed) -> list[str]:
    plain = {name: crypto.decrypt(value) for name in sealed.encrypted if (value := getattr(row, name))}
    for name, value in plain.items():
        setattr(row, name, crypto.encrypt(value))
    for hash_field, (source, compute) in sealed.hashes.items():
        value = plain.get(source, "")
        # An anonymised person keeps a random hash and an empty ciphertext: nothing to rebuild.
        if value:
            setattr(row, hash_field, compute(value))
    return [*plain, *(h for h, (source, _compute) in sealed.hashes.items() if plain.get(source))]


def _mark_started(actor: Actor) -> None:
    previous = settings.GONGYOU_DATA_KEY_PREVIOUS
    assert previous  # checked by rotate_data_key
    current_fp = fingerprint(settings.GONGYOU_DATA_KEY)
    with transaction.atomic():
        row = KeyFingerprint.objects.select_for_update().filter(name=DATA_KEY).first()
        if row is not None and row.fingerprint == current_fp:
            return  # a resumed run: already marked
        before = row.fingerprint if row else None
        retiring_fp = fingerprint(previous)
        if before is not None and before != retiring_fp:
            raise ImproperlyConfigured(
                "GONGYOU_DATA_KEY_PREVIOUS is not the key this database was started with; refusing to rotate."
            )
        KeyFingerprint.objects.update_or_create(name=RETIRING_KEY, defaults={"fingerprint": retiring_fp})
        row, _created = KeyFingerprint.objects.update_or_create(name=DATA_KEY, defaults={"fingerprint": current_fp})
        audit.record(
            actor, "data_key.rotation_start", row, before={"fingerprint": before}, after={"fingerprint": current_fp}
        )


def _mark_finished(actor: Actor) -> None:
    with transaction.atomic():
        retiring = KeyFingerprint.objects.select_for_update().filter(name=RETIRING_KEY).first()
        if retiring is None:
            return
        row = KeyFingerprint.objects.get(name=DATA_KEY)
        audit.record(actor, "data_key.rotation_finish", row, before={"retired": retiring.fingerprint})
        retiring.delete()


def rotation_unfinished() -> bool:
    return KeyFingerprint.objects.filter(name=RETIRING_KEY).exists()


def rotate_data_key(*, actor: Actor, batch_size: int = 1000, progress: Progress | None = None) -> RotationResult:
    """Re-seal every registered personal-data column under the current key (issue 13 part 4)."""
    if not getattr(settings, "GONGYOU_DATA_KEY_PREVIOUS", None):
        raise ImproperlyConfigured("Set GONGYOU_DATA_KEY_PREVIOUS to the key being retired before rotating.")
    _mark_started(actor)
    done: dict[str, int] = {}
    for sealed in crypto.sealed_models():
        if not sealed.encrypted:
            continue
        model = apps.get_model(sealed.model)
        total = pending(model, sealed.encrypted).count()
        count = 0
        last_pk = None
        while True:
            with transaction.atomic():
                batch_qs = pending(model, sealed.encrypted).order_by("pk")
                if last_pk is not None:
                    batch_qs = batch_qs.filter(pk__gt=last_pk)
                batch = list(batch_qs.select_for_update()[:batch_size])
                if not batch:
                    break
                changed: set[str] = set()
                for row in batch:
                    changed.update(_rotate_row(row, sealed))
                model._base_manager.bulk_update(batch, sorted(changed))
            last_pk = batch[-1].pk
            count += len(batch)
            if progress:
                progress(sealed.model, count, total)
        done[sealed.model] = count
    _mark_finished(actor)
    return RotationResult(done)
