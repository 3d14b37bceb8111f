"""The live view's one reader: polls the registry while anyone watches, publishes what changed.

Every page that is open shares one Watcher, so the registry is read at the same rate however
many pages are open, and not at all when none is. Each tick (``interval``, 0.2 s) reads what is
in flight and the last hour of the conflict log (both indexed reads); the history (which wir
does not index by time: a scan) is read when what is in flight changed, and at least every
``history_every`` seconds (2), since a lapsed lease or a dead owner leaves the listing before its
history row is written. The newest ``LIVE_CAP`` rows of each are kept. A part whose JSON text
differs from the last one gets a new generation number.

Thread-safe: one thread of its own reads; any number of threads wait in ``changes``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Iterator

from .._errors import WirError
from .._registry import Registry
from . import _snapshot
from ._times import now_ms

PARTS = ("state", "log", "history", "error")


class Watcher:
    def __init__(self, registry: Registry, interval: float = 0.2, history_every: float = 2.0,
                 window_ms: int = _snapshot.LIVE_WINDOW_MS):
        self._registry = registry
        self._interval = interval
        self._history_every = history_every
        self._window_ms = window_ms
        self._changed = threading.Condition()
        self._parts: dict[str, tuple[int, str]] = {}       # part -> (generation, JSON text)
        self._generation = 0
        self._watchers = 0
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="wir-ui-watcher", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def watching(self) -> Iterator["Watcher"]:
        """While inside, the registry is read every tick."""
        with self._changed:
            self._watchers += 1
            self._changed.notify_all()
        try:
            yield self
        finally:
            with self._changed:
                self._watchers -= 1

    def changes(self, seen: dict[str, int], timeout: float) -> dict[str, str] | None:
        """Waits up to ``timeout`` seconds for a part newer than ``seen`` (part -> generation,
        updated in place); returns the JSON text of each newer part, or None on time-out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._stopped:
                newer = {part: text for part, (generation, text) in self._parts.items()
                         if seen.get(part, -1) < generation}
                if newer:
                    for part in newer:
                        seen[part] = self._parts[part][0]
                    return newer
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
        return None

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._thread.join(5)

    def _publish(self, parts: dict[str, object]) -> set[str]:
        """Publishes one tick's parts together (a watcher never sees half a tick); returns those that changed."""
        texts = {part: json.dumps(value, separators=(",", ":")) for part, value in parts.items()}
        with self._changed:
            changed = {part for part, text in texts.items() if self._parts.get(part, (0, None))[1] != text}
            if changed:
                self._generation += 1
                for part in changed:
                    self._parts[part] = (self._generation, texts[part])
                self._changed.notify_all()
            return changed

    def _parts_differ(self, part: str, value: object) -> bool:
        text = json.dumps(value, separators=(",", ":"))
        with self._changed:
            return self._parts.get(part, (0, None))[1] != text

    def _run(self) -> None:
        history_read = 0.0
        while True:
            with self._changed:
                while self._watchers == 0 and not self._stopped:
                    self._changed.wait()
                if self._stopped:
                    return
            started = time.monotonic()
            parts: dict[str, object] = {}
            try:
                since = now_ms() - self._window_ms
                parts["state"] = _snapshot.state(self._registry)
                parts["log"] = _snapshot.log(self._registry, since, cap=_snapshot.LIVE_CAP)
                if self._parts_differ("state", parts["state"]) or started - history_read >= self._history_every:
                    parts["history"] = _snapshot.history(self._registry, since, cap=_snapshot.LIVE_CAP)
                    history_read = started
                parts["error"] = ""
            except WirError as error:            # e.g. a PostgreSQL server that went away: say so, retry
                parts = {"error": str(error)}
            except Exception as error:           # anything else: shown on the page; the view keeps going
                parts = {"error": f"{type(error).__name__}: {error}"}
            self._publish(parts)
            with self._changed:
                if not self._stopped:
                    self._changed.wait(max(0.0, self._interval - (time.monotonic() - started)))
