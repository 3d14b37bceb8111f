"""The registry handle as Python holds it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import subprocess
import threading
import uuid
from ctypes import byref, c_size_t, c_void_p
from datetime import datetime
from typing import Any, Callable, Iterable

from . import _native
from ._claim import Claim, held_claims
from ._errors import ClaimBlocked, ClaimTimeout, Conflict
from ._handle import Handle, describe, logger, shown
from ._native import lib
from ._run import run
from ._units import REGISTRY_DEFAULT, _RegistryDefault, c_string, c_string_or_none, epoch_ms, row_limit, uint64
from ._writes_to import WritesTo

_executor: concurrent.futures.ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _waiters() -> concurrent.futures.ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="wir-wait")
        return _executor


class Registry:
    """A wir registry: ``Registry()`` opens the default one ($WIR_REGISTRY, else
    ~/.local/state/wir/registry.db), ``Registry(path)`` a given file.

    Thread-safe, and usable across ``fork``: in a forked child (multiprocessing's
    default on Linux, ``ProcessPoolExecutor``, pre-fork servers) the same Registry
    opens a handle of its own on first use. It also pickles as its path, for the
    ``spawn`` and ``forkserver`` start methods.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self._handle = Handle(None if path is None else os.fspath(path))
        self.path: str = self._handle.path

    def close(self) -> None:
        """Closes the handle. Claims made through it stay held until released."""
        self._handle.close()

    def __enter__(self) -> "Registry":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __reduce__(self):
        return (Registry, (self.path,))

    def __repr__(self) -> str:
        return f"<wir.Registry {self.path!r}>"

    # ---- claims -----------------------------------------------------------

    def claim(self, writes: Iterable[str | os.PathLike] = (), reads: Iterable[str | os.PathLike] = (), *,
              task_id: str | None = None, ttl: float | None | _RegistryDefault = REGISTRY_DEFAULT,
              policy: str | None = None, timeout: float | None = None, heartbeat: bool = False,
              key: str | None = None, owner_pid: int | None = None, label: str | None = None,
              parent: "Claim | tuple[str, str] | None" = None,
              on_lost: Callable[[Claim], None] | None = None, allow_writes: Iterable[str | os.PathLike] = ()) -> Claim:
        """Claims every path or glob in ``writes`` (and ``reads``, read only), all or nothing.

        ``ttl`` is the lease in seconds; ``None`` holds the claim as long as an owner
        lives, with no heartbeat; left out, the registry's default (10 minutes unless set).
        ``policy`` is "refuse", "queue" or "warn" (None: $WIR_POLICY, else the
        registry's default). Under "queue", ``timeout`` seconds (None: for ever; 0:
        try once). ``heartbeat=True`` has the registry's keeper thread renew the lease
        every third of the TTL and watch for the claim's loss, calling ``on_lost``.
        ``parent`` (a Claim, or a (task_id, key) pair) makes this a sub-claim of that
        claim (see docs/concepts.md, "Who owns a claim"). ``allow_writes`` lists paths a
        confined run of the task may write without claiming them (recorded and listed;
        see ``run``). Raises ClaimConflict (refused), ClaimTimeout (queued, and still blocked
        when ``timeout`` ran out; both are ClaimBlocked), ClaimCancelled, ClaimDeadlock,
        InvalidArgument, RegistryBusy or RegistryError.

        Under a ``task_id`` that a claim of this process holds, it grows that claim; used as a
        context manager, the new claim's end then releases only the entries it added (nested
        blocks), and the outer claim's ``token`` becomes the grown claim's.

        The ``wir`` logger reports admitted and released claims at DEBUG, queued ones (with
        whom they wait for) at INFO, refused, timed-out and warned ones at WARNING, lost ones
        at ERROR.
        """
        outer = held_claims.latest(self.path, task_id)
        try:
            pointer = self._handle.claim(writes, reads, task_id=task_id, key=key, ttl=ttl, policy=policy,
                                         timeout=timeout, owner_pid=owner_pid, label=label, parent=parent,
                                         allow_writes=allow_writes)
        except ClaimBlocked as refused:
            logger.warning("wir: task %r %s: %s", refused.task_id,
                           "timed out waiting" if isinstance(refused, ClaimTimeout) else "refused",
                           describe(refused.conflicts))
            raise
        claim = Claim(self._handle, pointer, heartbeat=heartbeat, on_lost=on_lost)
        if outer is not None and claim.key == outer.key:
            claim._extends(outer)
        held_claims.add(self.path, claim)
        if claim.conflicts:
            logger.warning("wir: task %r admitted despite overlaps (policy warn): %s", claim.task_id,
                           describe(claim.conflicts))
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("wir: task %r admitted (token %d): %s", claim.task_id, claim.token, shown(claim.paths))
        return claim

    def writes_to(self, writes: Iterable[str | os.PathLike] = (), reads: Iterable[str | os.PathLike] = (),
                  **claim_options: Any) -> WritesTo:
        """Claims ``writes`` (and ``reads``) around a block or each call of a function::

            @reg.writes_to([".hermes/state.json"], policy="queue", timeout=30)
            def save(state): ...            # plain or async def: claimed for each call

            with reg.writes_to(paths) as claim: ...

        ``claim_options`` are ``claim``'s (``async def`` functions and ``async with`` wait
        without blocking the event loop, as ``aclaim``). An empty write set (and no reads)
        claims nothing: the block runs and ``claim`` is None, so callers need no special case.
        """
        return WritesTo(self, writes, reads, claim_options)

    def check(self, writes: Iterable[str | os.PathLike] = (), reads: Iterable[str | os.PathLike] = (), *,
              task_id: str | None = None, parent: "Claim | tuple[str, str] | None" = None) -> tuple[Conflict, ...]:
        """The conflicts a claim of ``writes`` and ``reads`` would meet now: each pair with a
        claim held by another task, or a waiter queued ahead (``holder_waiting``). Claims
        nothing and writes no conflict-log row. ``task_id``'s own claim (and the claims above
        and below it) never conflict; naming it needs no key. Empty sets meet nothing."""
        return self._handle.probe(writes, reads, task_id=task_id, parent=parent)

    def run(self, args, writes: Iterable[str | os.PathLike] = (), reads: Iterable[str | os.PathLike] = (), *,
            confine: bool | str = False, allow_writes: Iterable[str | os.PathLike] = (), task_id: str | None = None,
            policy: str | None = None, claim_timeout: float | None = None, label: str | None = None,
            parent: "Claim | tuple[str, str] | None" = None, **kwargs: Any) -> subprocess.CompletedProcess:
        """Runs a command under a claim, as ``subprocess.run`` does (``kwargs`` go to it:
        ``capture_output``, ``timeout``, ``check``, ``env``, ...), and returns its CompletedProcess.

        Claims ``writes`` (and ``reads``) first, held while this process lives (``policy`` and
        ``claim_timeout`` as for ``claim``), and releases the claim when the command ends: as
        "completed" (exit 0), "failed", or "cancelled" (killed by a signal). The command gets
        WIR_TASK_ID, WIR_KEY, WIR_TOKEN and WIR_REGISTRY, so a wir run inside it makes a sub-claim.

        ``confine=True`` (or "strict") lets the command, and everything it starts, write only
        where its claim allows, enforced by the kernel (Linux Landlock; see docs/concepts.md,
        "Confined runs"): its write entries, ``allow_writes``, a private TMPDIR made for it and
        removed afterwards, the registry's files and the terminal. A kernel that cannot enforce
        it all raises NotSupported before anything runs; "best-effort" runs with what the kernel
        offers and logs what it leaves out (WARNING on the ``wir`` logger).
        """
        return run(self, args, writes, reads, confine=confine, allow_writes=allow_writes,
                   claim_options=dict(task_id=task_id, policy=policy, timeout=claim_timeout, label=label,
                                      parent=parent), **kwargs)

    def aclaim(self, writes: Iterable[str | os.PathLike] = (), reads: Iterable[str | os.PathLike] = (),
               **options: Any) -> "AsyncClaim":
        """``async with reg.aclaim(...) as claim``: like ``claim``, but waiting (queue
        policy) runs in a worker thread so the event loop keeps running, and
        cancelling the awaiting task cancels the wait."""
        return AsyncClaim(self, list(writes), list(reads), options)

    def attach(self, task_id: str, key: str) -> Claim:
        """A claim in flight, made by any process, from its task id and key."""
        pointer = c_void_p()
        lib.wir_attach(byref(pointer), self._handle.use(), c_string(task_id, "the task id"), c_string(key, "the key"))
        return Claim(self._handle, pointer.value)

    def force_release(self, task_id: str) -> None:
        """Ends a claim without its key (root or the registry file's owner only); the
        history records it as "forced", with who forced it."""
        lib.wir_force_release(self._handle.use(), c_string(task_id, "the task id"))

    def cancel(self, task_id: str | None = None) -> int:
        """Cancels this handle's queued claims for ``task_id`` (None: all); returns how many."""
        count = c_size_t()
        lib.wir_cancel(byref(count), self._handle.use(), c_string_or_none(task_id, "the task id"))
        return count.value

    def token_holds(self, path: str | os.PathLike, token: int) -> bool:
        """True when the claim holding ``path`` now has fencing token ``token``."""
        status = lib.wir_token_check(self._handle.use(), c_string(path, "the path"), uint64(token, "token"))
        return status == _native.WIR_OK

    def reap(self) -> int:
        """Reaps lapsed and dead-owner claims now; returns how many."""
        count = c_size_t()
        lib.wir_reap(byref(count), self._handle.use())
        return count.value

    # ---- warn callback, settings, listings ---------------------------------

    def on_warn(self, callback: Callable[[tuple[Conflict, ...], str], None] | None) -> None:
        """Calls ``callback(conflicts, task_id)`` when a claim is admitted under the
        warn policy despite overlaps (on the claiming thread). None removes it."""
        self._handle.set_warn(callback)

    def config(self, name: str) -> str:
        """A registry-wide default: "policy", "ttl_ms" or "grace_ms" (durations in milliseconds),
        "log_days" or "history_days" (how long the conflict log and the history keep rows)."""
        out = c_void_p()
        lib.wir_config_get(byref(out), self._handle.use(), c_string(name, "the setting name"))
        return _native.take_string(out)

    def set_config(self, name: str, value: str | int) -> None:
        """Stores a registry-wide default for every process: a policy name, for "ttl_ms" and
        "grace_ms" milliseconds (an int) or a duration with a unit ("10m"), for "log_days" and
        "history_days" whole days (0 keeps rows for ever)."""
        lib.wir_config_set(self._handle.use(), c_string(name, "the setting name"), c_string(str(value), "the setting value"))

    def in_flight(self) -> dict:
        """{"claims": [...], "waiters": [...]} (schema: docs/json.md)."""
        return self._json(lib.wir_inflight_json)

    def who(self, path: str | os.PathLike) -> dict:
        """The claims holding ``path`` and the waiters waiting to."""
        return self._json(lib.wir_who_json, c_string(path, "the path"))

    def conflict_log(self, since: datetime | float | None = None, limit: int | None = 1000) -> list:
        """The conflict log: what is stomping what (one row per overlapping pair; a refusal its
        task repeats is one row with a ``count`` and a ``last_ms``), by when rows last changed.
        At most ``limit`` rows (None or -1: every row)."""
        return self._json(lib.wir_log_json, epoch_ms(since), row_limit(limit))

    def history(self, since: datetime | float | None = None, limit: int | None = 1000) -> list:
        """Ended claims with why they ended and how long they held; at most ``limit`` rows (None or
        -1: every row)."""
        return self._json(lib.wir_history_json, epoch_ms(since), row_limit(limit))

    def prune(self, before: datetime | float) -> int:
        """Deletes log and history rows older than ``before``; returns how many."""
        count = c_size_t()
        lib.wir_prune(byref(count), self._handle.use(), epoch_ms(before))
        return count.value

    def _json(self, function, *args):
        out = c_void_p()
        function(byref(out), self._handle.use(), *args)
        return json.loads(_native.take_string(out))


class AsyncClaim:
    """The async context manager ``Registry.aclaim`` returns."""

    def __init__(self, registry: Registry, writes: list, reads: list, options: dict):
        self._registry = registry
        self._writes, self._reads = writes, reads
        self._options = dict(options)
        self._options.setdefault("task_id", "task-" + uuid.uuid4().hex[:12])
        self.claim: Claim | None = None

    async def __aenter__(self) -> Claim:
        registry, options = self._registry, self._options
        future = _waiters().submit(registry.claim, self._writes, self._reads, **options)
        try:
            self.claim = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            registry.cancel(options["task_id"])

            def release_if_admitted(done: concurrent.futures.Future) -> None:
                if not done.cancelled() and done.exception() is None:
                    done.result().release("cancelled")
            future.add_done_callback(release_if_admitted)
            raise
        return self.claim

    async def __aexit__(self, kind, value, traceback) -> None:
        if self.claim is not None:
            self.claim.__exit__(kind, value, traceback)
