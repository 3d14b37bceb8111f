"""A claim as Python holds it: the owned wir_claim_t, its fields, its heartbeat thread."""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from ctypes import c_char_p
from typing import Callable, Iterable

from . import _native
from ._errors import ClaimLost, Conflict
from ._handle import Handle, shown
from ._keeper import Keeper
from ._native import lib, read_conflicts
from ._units import c_strings, int64, millis, to_datetime

logger = logging.getLogger("wir")


class Claim:
    """A held claim. Use it as a context manager: the block's end releases it as
    "completed", an exception as "failed", KeyboardInterrupt or task cancellation
    as "cancelled".

    ``token`` is the fencing token. With ``heartbeat=True`` the registry's keeper
    thread renews the lease and looks at the claim every quarter second; when it
    finds the claim gone (a forced release, a lapsed lease, its parent ended), or
    its lease could not be renewed before it ends (a stuck server: each renewal
    waits no longer than the lease allows), it
    sets ``lost``, logs at ERROR on the ``wir`` logger and calls
    ``on_lost(claim)``. Stop writing then: for example
    ``on_lost=lambda claim: os.kill(os.getpid(), signal.SIGTERM)``.
    Thread-safe: the keeper thread and the caller share it under a lock.

    Nested blocks: a claim made under a task id that a claim of this process already holds (in the
    same registry, with the same key) extends that claim, and its block's end releases only the
    entries it added (they are shrunk away); the outer block's entries stay held until the outer
    block ends. Its ``release()`` still ends the whole claim, as in C.
    """

    def __init__(self, handle: Handle, pointer: int, heartbeat: bool = False,
                 on_lost: Callable[["Claim"], None] | None = None):
        self._handle = handle
        self._pointer = pointer
        self._lock = threading.Lock()
        self._on_lost = on_lost
        self.lost = False
        self.released = False
        #: For a claim that extended one this process held: the entries it added (see the class).
        self._added: tuple[str, ...] | None = None
        self._read_fields()
        #: Whether the keeper renews and watches it (heartbeat=True).
        self._kept = heartbeat
        if heartbeat:
            self._renew_every = max(Keeper.CHECK_SECONDS, (self.expires_ms / 1000 - time.time()) / 3)
            self._renewed = time.monotonic()
            handle.keeper.add(self)

    def _read_fields(self) -> None:
        pointer = self._pointer
        self.task_id: str = lib.wir_claim_task_id(pointer).decode()
        key = lib.wir_claim_key(pointer)
        self.key: str = key.decode() if key else ""
        self.token: int = lib.wir_claim_token(pointer)
        self.expires_ms: int = lib.wir_claim_expires_ms(pointer)
        #: Read when first asked for (most claims never are): see ``paths``.
        self._paths: tuple[str, ...] | None = None
        #: Under the warn policy: the overlaps it was admitted despite.
        self.conflicts: tuple[Conflict, ...] = read_conflicts(pointer) if lib.wir_claim_conflict_count(pointer) else ()

    @property
    def paths(self) -> tuple[str, ...]:
        """The claim's entries as the registry stores them (canonical paths and globs)."""
        paths = self._paths
        if paths is None:
            pointer = self._pointer
            paths = self._paths = tuple(lib.wir_claim_path(pointer, i).decode()
                                        for i in range(lib.wir_claim_path_count(pointer)))
        return paths

    @property
    def expires_at(self):
        return to_datetime(self.expires_ms)

    def heartbeat(self, ttl: float | None = None) -> None:
        """Renews the lease: it lapses ``ttl`` seconds from now (None: the claim's TTL).
        Raises ClaimLost (and sets ``lost``) if the claim has ended."""
        with self._lock:
            try:
                lib.wir_heartbeat(self._handle.use(), self._pointer, millis(ttl, 0, "ttl"))
            except ClaimLost:
                self.lost = True
                raise
            self.expires_ms = lib.wir_claim_expires_ms(self._pointer)

    def check(self) -> bool:
        """True while the claim holds (a read; renews nothing). False once it has ended."""
        with self._lock:
            try:
                lib.wir_check(self._handle.use(), self._pointer)
                return True
            except ClaimLost:
                self.lost = True
                return False

    def add_owner(self, pid: int, group: bool = False) -> None:
        """Adds a live process (or, with ``group=True``, a process group) on this host as an
        owner: the claim then ends by its owners' death only when that one is gone too."""
        with self._lock:
            lib.wir_add_owner(self._handle.use(), self._pointer, int64(pid, "pid"),
                              _native.WIR_OWNER_GROUP if group else _native.WIR_OWNER_PROCESS)

    def remove_owner(self, pid: int, group: bool = False) -> None:
        """Removes an owner (the last one cannot be removed: release instead)."""
        with self._lock:
            lib.wir_remove_owner(self._handle.use(), self._pointer, int64(pid, "pid"),
                                 _native.WIR_OWNER_GROUP if group else _native.WIR_OWNER_PROCESS)

    def hand_off(self, pid: int) -> None:
        """Hands the claim to the live process ``pid`` (a worker this process started): it becomes
        an owner and this process stops being one, in one step. This process may then exit; the
        claim ends when the worker does (or is released). Stops this process's heartbeat."""
        with self._lock:
            lib.wir_hand_off(self._handle.use(), self._pointer, int64(pid, "pid"))
        self._handle.keeper.remove(self)

    def _keep(self) -> None:
        """For the keeper thread: renews the lease when due, else looks whether it still holds."""
        if time.monotonic() - self._renewed >= self._renew_every:
            self.heartbeat()
            self._renewed = time.monotonic()
        elif not self.check():
            raise ClaimLost(f"task '{self.task_id}' no longer holds its claim", _native.WIR_ELOST)

    def _on_loss(self) -> None:
        self.lost = True
        logger.error("wir: task %r lost its claim on %s (released by force, lapsed, its parent ended, or "
                     "not renewed in time); others may now write there: stop writing", self.task_id,
                     shown(self.paths))
        if self._on_lost is not None:
            try:
                self._on_lost(self)
            except Exception:
                logger.exception("wir: the on_lost callback of task %r raised", self.task_id)

    def release(self, outcome: str = "completed") -> None:
        """Frees the paths at once; ``outcome`` is completed, failed or cancelled.
        Raises ClaimLost if the claim had already ended."""
        if outcome not in _native.OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(_native.OUTCOMES)}, not {outcome!r}")
        if self._kept:
            self._handle.keeper.remove(self)
        with self._lock:
            try:
                lib.wir_release(self._handle.use(), self._pointer, _native.OUTCOMES[outcome])
            except ClaimLost:
                logger.warning("wir: task %r had already lost its claim when it was released (%s)", self.task_id,
                               outcome)
                raise
            finally:
                self.released = True
                held_claims.remove(self._handle.path, self)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("wir: task %r released (%s): %s", self.task_id, outcome, shown(self.paths))

    def grow(self, writes: Iterable[str] = (), reads: Iterable[str] = (), *, policy: str | None = None,
             timeout: float | None = None) -> None:
        """Adds entries to the claim, all or nothing, under ``policy``; the claim
        gets a new, greater token and keeps its TTL. Raises ClaimConflict or
        ClaimTimeout (ClaimBlocked: nothing changes) etc."""
        grown = self._handle.claim(writes, reads, task_id=self.task_id, key=self.key, policy=policy, timeout=timeout)
        with self._lock:
            lib.wir_claim_free(self._pointer)
            self._pointer = grown
            self._read_fields()

    def shrink(self, paths: Iterable[str | os.PathLike]) -> None:
        """Releases some entries early (spelled as when claimed)."""
        encoded = c_strings(paths, "the path")
        array = (c_char_p * len(encoded))(*encoded)
        with self._lock:
            lib.wir_shrink(self._handle.use(), self._pointer, array, len(encoded))
            self._paths = None

    def _extends(self, outer: "Claim") -> None:
        """This claim grew ``outer``'s (a nested claim under its task id): remember what it added, and
        give ``outer`` the claim's new token and lease end."""
        self._added = tuple(path for path in self.paths if path not in outer.paths)
        outer.token, outer.expires_ms = self.token, self.expires_ms

    def __enter__(self) -> "Claim":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self.released:
            return
        if self._added is not None:
            self._handle.keeper.remove(self)
            try:
                if self._added:
                    self.shrink(self._added)
            except ClaimLost:
                self.lost = True
                if kind is None:
                    raise
            finally:
                self.released = True
                held_claims.remove(self._handle.path, self)
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
        pointer, self._pointer = getattr(self, "_pointer", None), None
        if pointer:
            lib.wir_claim_free(pointer)

    def __repr__(self) -> str:
        state = "lost" if self.lost else "released" if self.released else "held"
        return f"<wir.Claim {self.task_id!r} token={self.token} {state} paths={list(self.paths)}>"


class HeldClaims:
    """The claims this process holds, by registry and task id (weakly), so that a claim made again
    under a task id one of them holds knows which claim it extends. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], list[weakref.ref]] = {}

    def latest(self, registry: str, task_id: str | None) -> Claim | None:
        """The most recent claim still held under ``task_id`` in ``registry``, if any."""
        if task_id is None:
            return None
        with self._lock:
            refs = self._held.get((registry, task_id), [])
            alive = [ref for ref in refs if (claim := ref()) is not None and not claim.released and not claim.lost]
            self._held[(registry, task_id)] = alive
            return alive[-1]() if alive else None

    def add(self, registry: str, claim: Claim) -> None:
        with self._lock:
            self._held.setdefault((registry, claim.task_id), []).append(weakref.ref(claim))

    def remove(self, registry: str, claim: Claim) -> None:
        """Forgets ``claim`` (released), and its task id once no claim under it is held, so that
        the map does not grow with every task id this process ever used."""
        with self._lock:
            key = (registry, claim.task_id)
            refs = self._held.get(key)
            if refs is None:
                return
            alive = [ref for ref in refs
                     if (held := ref()) is not None and held is not claim and not held.released and not held.lost]
            if alive:
                self._held[key] = alive
            else:
                del self._held[key]


held_claims = HeldClaims()


def _cancelled_error():
    import asyncio
    return asyncio.CancelledError
