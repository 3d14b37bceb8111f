"""The native registry handle as Python holds it: opened again in a forked child, shared by a
Registry and the claims made through it."""

from __future__ import annotations

import logging
import os
import threading
import traceback
import weakref
from ctypes import byref, c_char_p, c_void_p
from typing import Callable, Iterable

from . import _native
from ._errors import Conflict
from ._keeper import Keeper
from ._native import lib, read_conflicts
from ._units import REGISTRY_DEFAULT, c_string, c_string_or_none, c_strings, int64, millis, ttl_ms

logger = logging.getLogger("wir")
#: Every handle of this process, so that a forked child can give each a new lock (see ``Handle``).
_handles: "weakref.WeakSet[Handle]" = weakref.WeakSet()
#: The claim a thread is making, for the wait callback's log lines.
_claiming = threading.local()


def describe(conflicts: Iterable[Conflict]) -> str:
    """Who holds (or is queued ahead on) what, in one line. Names from the registry are shown as
    repr() shows them: a log line may reach a terminal, and whoever can write a shared registry can
    put escape sequences in them."""
    return "; ".join(f"{c.requested_path!r} overlaps {c.held_path!r}, {'queued ahead' if c.holder_waiting else 'held'} "
                     f"by task {c.holder_task_id!r} (pid {c.pid} on {c.host!r})" for c in conflicts)


def shown(paths: Iterable[str]) -> str:
    """Paths for a log line, as repr() shows them (see ``describe``)."""
    return ", ".join(repr(path) for path in paths)


@_native.WaitFn
def _on_wait(_payload, report, waited_ms) -> None:
    """The wait callback every handle installs: logs who a queued claim waits for."""
    try:
        level = logging.INFO if waited_ms == 0 else logging.DEBUG
        if logger.isEnabledFor(level):
            task = getattr(_claiming, "task_id", None) or "(a new task)"
            what = "queued" if waited_ms == 0 else f"still queued after {waited_ms / 1000:.1f} s"
            logger.log(level, "wir: task %s %s: %s", task, what, describe(read_conflicts(report)))
    except Exception:        # never let an exception cross into C
        traceback.print_exc()


def _parent(parent) -> tuple[bytes | None, bytes | None]:
    """A parent claim (a Claim, or a (task_id, key) pair) as the two C strings."""
    if parent is None:
        return None, None
    if isinstance(parent, tuple) and len(parent) == 2:
        task_id, key = parent
    elif hasattr(parent, "task_id") and hasattr(parent, "key"):
        task_id, key = parent.task_id, parent.key
    else:
        raise TypeError("parent must be a Claim or a (task_id, key) pair")
    return c_string(str(task_id), "the parent task id"), c_string(str(key), "the parent key")


class Handle:
    """One ``wir_registry *``. Thread-safe. In a child made by ``fork`` the parent's handle is left
    alone and a new one is opened on first use (the library refuses with WIR_EFORK while the
    parent had a registry open). Its lock is a new one in the child: another thread of the parent
    may have held it at the fork, and that thread does not exist in the child."""

    def __init__(self, requested: str | None):
        self._requested = requested
        self._lock = threading.Lock()
        self._warn: Callable[[tuple[Conflict, ...], str], None] | None = None
        self._warn_c = None
        self._pointer: c_void_p | None = None
        self._pid = -1
        self.path = ""
        #: Renews and watches the claims made with heartbeat=True.
        self.keeper = Keeper()
        self._open()
        _handles.add(self)

    def _open(self) -> None:
        pointer = c_void_p()
        lib.wir_open(byref(pointer), c_string_or_none(self._requested, "the registry path"))
        self._pointer, self._pid = pointer, os.getpid()
        self.path = lib.wir_registry_path(pointer).decode()
        lib.wir_set_wait_callback(pointer, _on_wait, None)
        if self._warn is not None:
            self._install_warn()

    def use(self) -> c_void_p:
        """The handle for a call from this process, opening one after a fork."""
        with self._lock:
            if self._pid != os.getpid():
                self._open()
            if self._pointer is None:
                raise ValueError("the registry is closed")
            return self._pointer

    def close(self) -> None:
        with self._lock:
            if self._pointer is not None and self._pid == os.getpid():
                lib.wir_close(self._pointer)
            self._pointer = None

    def claim(self, writes, reads, *, task_id=None, key=None, ttl=REGISTRY_DEFAULT, policy=None, timeout=None,
              owner_pid=None, label=None, parent=None, allow_writes=()) -> int:
        """Calls wir_claim; returns the owned ``wir_claim_t *`` (errcheck raises on refusal).
        ``parent`` is a Claim or a (task_id, key) pair."""
        options = self._options(writes, reads, task_id=task_id, key=key, ttl=ttl, policy=policy, timeout=timeout,
                                owner_pid=owner_pid, label=label, parent=parent, allow_writes=allow_writes)
        pointer = c_void_p()
        _claiming.task_id = task_id
        try:
            lib.wir_claim(byref(pointer), self.use(), byref(options))
        finally:
            _claiming.task_id = None
        return pointer.value

    def probe(self, writes, reads, *, task_id=None, parent=None) -> tuple[Conflict, ...]:
        """Calls wir_probe: the conflicts a claim would meet now, claiming and logging nothing."""
        options = self._options(writes, reads, task_id=task_id, parent=parent)
        pointer = c_void_p()
        lib.wir_probe(byref(pointer), self.use(), byref(options))
        try:
            return read_conflicts(pointer.value)
        finally:
            lib.wir_claim_free(pointer.value)

    @staticmethod
    def _options(writes, reads, *, task_id=None, key=None, ttl=REGISTRY_DEFAULT, policy=None, timeout=None,
                 owner_pid=None, label=None, parent=None, allow_writes=()) -> _native.ClaimOpts:
        """A wir_claim_opts from Python's values (the library judges them)."""
        if policy not in _native.POLICIES:
            raise ValueError(f"policy must be refuse, queue or warn, not {policy!r}")
        # Only the fields that differ from zero are set: this runs on every claim.
        options = _native.ClaimOpts(_native.WIR_CLAIM_OPTS_VERSION)
        options.timeout_ms = millis(timeout, -1, "timeout")
        if task_id is not None:
            options.task_id = c_string(task_id, "the task id")
        if ttl is not REGISTRY_DEFAULT:
            options.ttl_ms = ttl_ms(ttl)
        if policy is not None:
            options.policy = _native.POLICIES[policy]
        if key is not None:
            options.key = c_string(key, "the key")
        if owner_pid:
            options.owner_pid = int64(owner_pid, "owner_pid")
        if label is not None:
            options.label = c_string(label, "the label")
        if parent is not None:
            options.parent_task_id, options.parent_key = _parent(parent)
        write_list, read_list = c_strings(writes, "the path"), c_strings(reads, "the path")
        allow_list = c_strings(allow_writes, "the allowed write")
        if write_list:
            options.writes, options.n_writes = (c_char_p * len(write_list))(*write_list), len(write_list)
        if read_list:
            options.reads, options.n_reads = (c_char_p * len(read_list))(*read_list), len(read_list)
        if allow_list:
            options.allow_writes = (c_char_p * len(allow_list))(*allow_list)
            options.n_allow_writes = len(allow_list)
        return options

    def set_warn(self, callback: Callable[[tuple[Conflict, ...], str], None] | None) -> None:
        """Calls ``callback(conflicts, task_id)`` for claims admitted under warn despite overlaps."""
        self._warn = callback
        self.use()
        self._install_warn()

    def _install_warn(self) -> None:
        if self._warn is None:
            self._warn_c = None
            lib.wir_set_warn_callback(self._pointer, _native.WarnFn(), None)
            return
        callback = self._warn

        def trampoline(_payload, claim_pointer):
            try:
                callback(read_conflicts(claim_pointer), lib.wir_claim_task_id(claim_pointer).decode())
            except Exception:        # never let an exception cross into C
                traceback.print_exc()

        self._warn_c = _native.WarnFn(trampoline)
        lib.wir_set_warn_callback(self._pointer, self._warn_c, None)


def _new_locks_in_child() -> None:
    for handle in list(_handles):
        handle._lock = threading.Lock()


os.register_at_fork(after_in_child=_new_locks_in_child)
