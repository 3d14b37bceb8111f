"""A claim as Python holds it: the owned wir_claim_t, its fields, its heartbeat thread."""

from __future__ import annotations

import os
import threading
import time
from ctypes import c_char_p
from typing import Iterable

from . import _native
from ._errors import ClaimLost, Conflict
from ._handle import Handle
from ._native import lib, read_conflicts
from ._units import millis, to_datetime


class Claim:
    """A held claim. Use it as a context manager: the block's end releases it as
    "completed", an exception as "failed", KeyboardInterrupt or task cancellation
    as "cancelled".

    ``token`` is the fencing token. ``lost`` becomes True when a heartbeat finds
    the claim gone (its lease lapsed or it was reaped): stop writing then.
    Thread-safe: the heartbeat thread and the caller share it under a lock.
    """

    def __init__(self, handle: Handle, pointer: int, heartbeat: bool = False):
        self._handle = handle
        self._pointer = pointer
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False
        self.released = False
        self._read_fields()
        if heartbeat:
            self._start_heartbeat()

    def _read_fields(self) -> None:
        pointer = self._pointer
        self.task_id: str = lib.wir_claim_task_id(pointer).decode()
        key = lib.wir_claim_key(pointer)
        self.key: str = key.decode() if key else ""
        self.token: int = lib.wir_claim_token(pointer)
        self.expires_ms: int = lib.wir_claim_expires_ms(pointer)
        self.paths: tuple[str, ...] = tuple(lib.wir_claim_path(pointer, i).decode()
                                            for i in range(lib.wir_claim_path_count(pointer)))
        #: Under the warn policy: the overlaps it was admitted despite.
        self.conflicts: tuple[Conflict, ...] = read_conflicts(pointer)

    @property
    def expires_at(self):
        return to_datetime(self.expires_ms)

    def heartbeat(self, ttl: float | None = None) -> None:
        """Renews the lease: it lapses ``ttl`` seconds from now (None: the claim's TTL).
        Raises ClaimLost (and sets ``lost``) if the claim has ended."""
        with self._lock:
            try:
                lib.wir_heartbeat(self._handle.use(), self._pointer, millis(ttl, 0))
            except ClaimLost:
                self.lost = True
                raise
            self.expires_ms = lib.wir_claim_expires_ms(self._pointer)

    def release(self, outcome: str = "completed") -> None:
        """Frees the paths at once; ``outcome`` is completed, failed or cancelled.
        Raises ClaimLost if the claim had already ended."""
        if outcome not in _native.OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(_native.OUTCOMES)}, not {outcome!r}")
        self._stop.set()
        with self._lock:
            try:
                lib.wir_release(self._handle.use(), self._pointer, _native.OUTCOMES[outcome])
            finally:
                self.released = True

    def grow(self, writes: Iterable[str] = (), reads: Iterable[str] = (), *, policy: str | None = None,
             timeout: float | None = None) -> None:
        """Adds entries to the claim, all or nothing, under ``policy``; the claim
        gets a new, greater token. Raises ClaimConflict (nothing changes) etc."""
        grown = self._handle.claim(writes, reads, task_id=self.task_id, key=self.key, policy=policy, timeout=timeout)
        with self._lock:
            lib.wir_claim_free(self._pointer)
            self._pointer = grown
            self._read_fields()

    def shrink(self, paths: Iterable[str | os.PathLike]) -> None:
        """Releases some entries early (spelled as when claimed)."""
        encoded = [os.fsencode(p) for p in paths]
        array = (c_char_p * len(encoded))(*encoded)
        with self._lock:
            lib.wir_shrink(self._handle.use(), self._pointer, array, len(encoded))
            self.paths = tuple(lib.wir_claim_path(self._pointer, i).decode()
                               for i in range(lib.wir_claim_path_count(self._pointer)))

    def _start_heartbeat(self) -> None:
        interval = max(0.05, (self.expires_ms / 1000 - time.time()) / 3)

        def renew() -> None:
            while not self._stop.wait(interval):
                try:
                    self.heartbeat()
                except ClaimLost:
                    return
                except Exception:       # busy or I/O: try again next time
                    continue

        self._thread = threading.Thread(target=renew, name=f"wir-heartbeat-{self.task_id}", daemon=True)
        self._thread.start()

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self.released:
            return
        if kind is None:
            outcome = "completed"
        elif issubclass(kind, (KeyboardInterrupt, _cancelled_error())):
            outcome = "cancelled"
        else:
            outcome = "failed"
        try:
            self.release(outcome)
        except ClaimLost:
            self.lost = True
            if kind is None:
                raise

    def __del__(self) -> None:
        self._stop.set()
        pointer, self._pointer = getattr(self, "_pointer", None), None
        if pointer:
            lib.wir_claim_free(pointer)

    def __repr__(self) -> str:
        state = "lost" if self.lost else "released" if self.released else "held"
        return f"<wir.Claim {self.task_id!r} token={self.token} {state} paths={list(self.paths)}>"


def _cancelled_error():
    import asyncio
    return asyncio.CancelledError
