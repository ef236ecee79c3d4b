"""Encrypting many personal values in worker processes, for large roster imports.

A new roster row costs two AES-GCM encryptions (ID number, phone) and their masks. Threads do
not help: cryptography's AESGCM.encrypt and hmac hold the GIL on values this short (about a
microsecond each; hashlib releases it only from 2 KiB on). Worker processes do, when a CPU is
free: the caller streams chunk k into COPY while a worker seals chunk k+1. They cost pickling
both ways and a CPU each, so they are used only when configured (GONGYOU_ROSTER_CRYPTO_WORKERS)
and only for large batches (bench/README.md has the figures that decided the default).

Workers are spawned, not forked (the parent holds database connections and threads), and
import nothing of Django's settings: they get the master key once, at start.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from gongyou.core import crypto

# (id_enc, id_masked, phone_enc, phone_masked) of one (id_number, phone) pair.
Sealed = tuple[str, str, str, str]

_sealer: crypto.Sealer | None = None
_pool: ProcessPoolExecutor | None = None
_pool_for: tuple[int, str] | None = None
_pool_lock = threading.Lock()


def _start_worker(master: str) -> None:
    global _sealer
    _sealer = crypto.Sealer(master)


def seal_pair(id_number: str, phone: str, sealer: crypto.Sealer) -> Sealed:
    encrypt = sealer.encrypt
    return encrypt(id_number), crypto.mask_id_number(id_number), encrypt(phone), crypto.mask_phone(phone)


def seal_pairs(pairs: Sequence[tuple[str, str]], sealer: crypto.Sealer) -> list[Sealed]:
    return [seal_pair(id_number, phone, sealer) for id_number, phone in pairs]


def _seal_in_worker(pairs: Sequence[tuple[str, str]]) -> list[Sealed]:
    assert _sealer is not None, "worker started without a key"
    return seal_pairs(pairs, _sealer)


def _executor(workers: int, master: str) -> ProcessPoolExecutor:
    """The process's pool, started on first use and kept (starting a worker costs ~0.2 s); a
    new one when the worker count or the data key changed."""
    global _pool, _pool_for
    with _pool_lock:
        if _pool is None or _pool_for != (workers, master):
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(master,),
            )
            _pool_for = (workers, master)
        return _pool


def shutdown() -> None:
    """Stop the workers (tests, benchmarks that count their CPU time)."""
    global _pool, _pool_for
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool, _pool_for = None, None


def seal_in_workers(pairs: Sequence[tuple[str, str]], *, workers: int, chunk: int = 1000) -> Iterator[list[Sealed]]:
    """The sealed values of `pairs`, chunk by chunk in order, computed by `workers` processes
    under the current data key. All chunks are queued at once, so the caller consumes one while
    the workers seal the next."""
    master = crypto.current_master_key()
    pool = _executor(workers, master)
    yield from pool.map(_seal_in_worker, [pairs[i : i + chunk] for i in range(0, len(pairs), chunk)])
