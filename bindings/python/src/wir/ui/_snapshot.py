"""What the page shows, read from the registry: the parts of a snapshot.

A snapshot has three parts, each read by one listing and sent to the page only when it changed:
``state`` (the claims in flight and the queue, ``wir_inflight_json``), ``log`` (the conflict
log of a window) and ``history`` (the claims that ended in it). Their shapes are docs/json.md's;
the page adds nothing of its own but the window and the time it was read. None of wir's listings
holds a claim's key, and nothing here asks for one. Thread-safe (the Registry is).
"""

from __future__ import annotations

from typing import Any

from .._registry import Registry
from . import _window
from ._times import now_ms

#: The live view's window: the conflict log and the history of the last hour.
LIVE_WINDOW_MS = 3_600_000
#: The live view keeps the newest this many rows of the log and of the history: a busy registry's
#: hour is not sent whole to every page on every change.
LIVE_CAP = 5000
#: The longest window a page or a report may ask for (the history keeps 90 days by default).
MAX_WINDOW_MS = 366 * 86_400_000


def state(registry: Registry) -> dict[str, Any]:
    """The claims in flight and the waiters: ``{"claims": [...], "waiters": [...]}``."""
    return registry.in_flight()


def log(registry: Registry, from_ms: int, to_ms: int | None = None, cap: int = _window.CAP) -> dict[str, Any]:
    """The conflict log of a window: ``{"rows": [...], "truncated": bool}`` (older rows left out)."""
    rows, truncated = _window.conflict_log(registry, from_ms, to_ms, cap)
    return {"rows": rows, "truncated": truncated}


def history(registry: Registry, from_ms: int, to_ms: int | None = None, cap: int = _window.CAP) -> dict[str, Any]:
    """The claims that ended in a window: ``{"rows": [...], "truncated": bool}``."""
    rows, truncated = _window.history(registry, from_ms, to_ms, cap)
    return {"rows": rows, "truncated": truncated}


def check_window(from_ms: int, to_ms: int) -> None:
    """Raises ValueError unless ``from_ms`` < ``to_ms`` and the window is at most MAX_WINDOW_MS long."""
    if from_ms >= to_ms:
        raise ValueError("the window's start must come before its end")
    if to_ms - from_ms > MAX_WINDOW_MS:
        raise ValueError("a window may be at most 366 days long")


def window(registry: Registry, from_ms: int, to_ms: int) -> dict[str, Any]:
    """Every part for the window [from_ms, to_ms]: what a report holds, and what the page asks for
    when it shows a window other than the last hour. Thread-safe (the Registry is)."""
    check_window(from_ms, to_ms)
    read_ms = now_ms()
    return {"from_ms": from_ms, "to_ms": to_ms, "now_ms": read_ms, "state": state(registry),
            "log": log(registry, from_ms, to_ms), "history": history(registry, from_ms, to_ms)}
