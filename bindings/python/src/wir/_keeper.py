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


class Keeper:
    """Thread-safe. Holds its claims weakly; its thread ends when it has none left, and a
    forked child starts afresh (it does not keep its parent's claims)."""

    #: How often each claim is looked at (a read); its lease is renewed every third of its TTL.
    CHECK_SECONDS = 0.25

    def __init__(self):
        self._lock = threading.Lock()
        self._claims: dict[int, weakref.ref] = {}
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, claim: "Claim") -> None:
        with self._lock:
            if self._pid != os.getpid():          # inherited across fork: the parent's claims are not ours
                self._claims, self._thread, self._pid = {}, None, os.getpid()
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
                if self._pid != os.getpid():
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
