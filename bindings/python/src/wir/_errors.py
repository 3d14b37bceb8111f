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


class ClaimBlocked(WirError):
    """The claim was not admitted because other claims overlap it: refused at once
    (ClaimConflict) or still blocked when its wait ran out (ClaimTimeout). ``conflicts`` lists
    the overlapping pairs (at most 100, the first found) and ``total`` counts them all; nothing
    was claimed. Catch this for both."""

    def __init__(self, message: str, status: int = -3, conflicts: tuple[Conflict, ...] = (),
                 task_id: str | None = None, total: int | None = None):
        super().__init__(message, status)
        self.conflicts = tuple(conflicts)
        self.task_id = task_id
        self.total = len(self.conflicts) if total is None else total

    def __reduce__(self):
        return (type(self), (self.message, self.status, self.conflicts, self.task_id, self.total))


class ClaimConflict(ClaimBlocked):
    """The claim was refused at once: ``conflicts`` lists every overlapping pair (WIR_ECONFLICT).
    A timeout is not a refusal: ClaimTimeout is not a ClaimConflict (in wir 0.1.0 it was; catch
    ClaimBlocked for both)."""


class ClaimTimeout(ClaimBlocked, TimeoutError):
    """A queued claim was still blocked when its timeout ran out (WIR_ETIMEDOUT); ``conflicts``
    lists what blocked it last."""

    def __init__(self, message: str, status: int = -4, conflicts: tuple[Conflict, ...] = (),
                 task_id: str | None = None, total: int | None = None):
        super().__init__(message, status, conflicts, task_id, total)


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
