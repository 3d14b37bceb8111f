"""Exceptions: one per family of wir status, with structured fields, and all pickle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Conflict:
    """One overlapping pair: an entry asked for and one another task holds (or waits for)."""
    requested_path: str
    held_path: str
    holder_task_id: str
    pid: int
    host: str
    expires_at: datetime | None
    requested_access: str = "write"
    held_access: str = "write"
    holder_waiting: bool = False
    #: The holder's claim lasts while its owners live: ``expires_at`` is not when it ends.
    holder_while_alive: bool = False


class WirError(Exception):
    """Any error from wir. ``status`` is the C status code (WIR_E* in wir.h)."""

    def __init__(self, message: str, status: int = -17):
        super().__init__(message)
        self.message = message
        self.status = status

    def __reduce__(self):
        return (type(self), (self.message, self.status))


class InvalidArgument(WirError, ValueError):
    """A path, glob, task id, TTL, timeout or policy was refused (WIR_EINVAL, WIR_EPATH)."""


class ClaimConflict(WirError):
    """The claim was refused: ``conflicts`` lists every overlapping pair (WIR_ECONFLICT)."""

    def __init__(self, message: str, status: int = -3, conflicts: tuple[Conflict, ...] = (),
                 task_id: str | None = None):
        super().__init__(message, status)
        self.conflicts = tuple(conflicts)
        self.task_id = task_id

    def __reduce__(self):
        return (type(self), (self.message, self.status, self.conflicts, self.task_id))


class ClaimTimeout(ClaimConflict, TimeoutError):
    """A queued claim was still blocked when its timeout ran out (WIR_ETIMEDOUT)."""


class ClaimDeadlock(WirError):
    """A queued claim would wait for ever: what it waits for is owned by a process above the
    caller, which waits for it in turn (WIR_EDEADLK). Claim under the parent instead (``parent=``)."""


class ClaimCancelled(WirError):
    """A queued claim was cancelled (WIR_ECANCELED)."""


class ClaimLost(WirError):
    """The claim is no longer held: released, expired or reaped (WIR_ELOST)."""


class RegistryBusy(WirError):
    """The registry stayed locked beyond the busy timeout (WIR_EBUSY)."""


class NotSupported(WirError):
    """Not supported here (WIR_ENOTSUP): a kernel that cannot confine a run as asked (the message
    says what it lacks), or a PostgreSQL URL without libpq."""


class RegistryError(WirError, OSError):
    """The registry file cannot be used: I/O, corrupt, foreign or newer schema."""
