"""One time window of the registry: the conflict log and the history between two times.

wir's listings return the oldest rows at or after a time, up to a limit, in time order (the log
by the time a row last changed; the history by row, and each release writes its time inside the
registry's serialised write transaction, so later rows never have earlier times). A window is
read in pages, each starting at the time of the last row read; the rows of that millisecond
come again and are dropped as duplicates. The newest ``cap`` rows are kept: the view cares most
about what happened last.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Callable

from .._registry import Registry

#: Rows read per call of the listing.
PAGE = 5000
#: At most this many rows of each listing are kept for one window (the newest).
CAP = 20_000


def _identity(row: dict) -> str:
    return json.dumps(row, sort_keys=True)


def _rows(read: Callable[[float, int], list], since_ms: int, time_of: Callable[[dict], int],
          cap: int) -> tuple[list, bool]:
    """Every row ``read(since_seconds, limit)`` returns from ``since_ms`` on, paged, newest ``cap`` kept."""
    kept: deque = deque(maxlen=cap)
    truncated = False
    start = max(since_ms, 0)
    boundary: set[str] = set()                 # the rows kept so far whose time is ``start``
    while True:
        batch = read((start + 0.5) / 1000, PAGE)      # + 0.5: seconds as a float, read back as ``start``
        fresh = [row for row in batch if time_of(row) > start or _identity(row) not in boundary]
        truncated = truncated or len(kept) + len(fresh) > cap
        kept.extend(fresh)
        if len(batch) < PAGE:
            return list(kept), truncated
        newest = max(time_of(row) for row in batch)
        if newest == start and not fresh:      # a whole page in one millisecond: step past it
            start, boundary = start + 1, set()
            continue
        if newest != start:
            start, boundary = newest, set()
        boundary |= {_identity(row) for row in batch if time_of(row) == newest}


def conflict_log(registry: Registry, from_ms: int, to_ms: int | None = None, cap: int = CAP) -> tuple[list, bool]:
    """Conflict-log rows that changed at or after ``from_ms`` and began by ``to_ms`` (None: now),
    oldest first, and whether older ones were left out. Thread-safe (the Registry is)."""
    rows, truncated = _rows(lambda since, limit: registry.conflict_log(since, limit), from_ms,
                            lambda row: row["last_ms"], cap)
    if to_ms is not None:
        rows = [row for row in rows if row["at_ms"] <= to_ms]
    return rows, truncated


def history(registry: Registry, from_ms: int, to_ms: int | None = None, cap: int = CAP) -> tuple[list, bool]:
    """Claims that ended at or after ``from_ms`` and began by ``to_ms`` (None: now), in the
    registry's order, and whether older ones were left out. Thread-safe (the Registry is)."""
    rows, truncated = _rows(lambda since, limit: registry.history(since, limit), from_ms,
                            lambda row: row["ended_ms"], cap)
    if to_ms is not None:
        rows = [row for row in rows if row["created_ms"] <= to_ms]
    return rows, truncated
