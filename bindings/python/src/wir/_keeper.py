"""One thread per registry handle that renews the leases of the claims made with
``heartbeat=True`` and watches them, so that a lost claim is noticed within a quarter second."""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import TYPE_CHECKING

from ._errors import ClaimLost

if TYPE_CHECKING:
    from ._claim import Claim

#: Every keeper of this process, so that a forked child can reset them (see ``_reset_in_child``).
_keepers: "weakref.WeakSet[Keeper]" = weakref.WeakSet()


class Keeper:
    """Thread-safe. One thread for all the heartbeat claims of a registry handle, however many:
    each pass renews the claims whose lease is due (every third of its TTL) and looks at the others
    (a read each), then sleeps a quarter second. Holds its claims weakly; its thread ends when it
    has none left. A forked child starts afresh: it does not keep its parent's claims, and its lock
    is a new one (the parent's thread may have held it at the fork, and that thread does not exist
    in the child)."""

    #: How often each claim is looked at (a read); its lease is renewed every third of its TTL.
    CHECK_SECONDS = 0.25

    def __init__(self):
        self._start_afresh()
        _keepers.add(self)

    def _start_afresh(self) -> None:
        self._lock = threading.Lock()
        self._claims: dict[int, weakref.ref] = {}
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, claim: "Claim") -> None:
        with self._lock:
            self._claims[id(claim)] = weakref.ref(claim)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="wir-keeper", daemon=True)
                self._thread.start()

    def remove(self, claim: "Claim") -> None:
        with self._lock:
            self._claims.pop(id(claim), None)

    def _run(self) -> None:
        while True:
            time.sleep(self.CHECK_SECONDS)
            with self._lock:
                if self._pid != os.getpid() or self._thread is not threading.current_thread():
                    return
                claims = [ref() for ref in self._claims.values()]
                self._claims = {key: ref for key, ref in self._claims.items() if ref() is not None}
                if not self._claims:
                    self._thread = None
                    return
            for claim in claims:
                if claim is None or claim.released or claim.lost:
                    continue
                try:
                    claim._keep()
                except ClaimLost:
                    self.remove(claim)
                    claim._on_loss()
                except Exception:        # busy, or the server is away: look again next time
                    continue


def _reset_in_child() -> None:
    for keeper in list(_keepers):
        keeper._start_afresh()


os.register_at_fork(after_in_child=_reset_in_child)
