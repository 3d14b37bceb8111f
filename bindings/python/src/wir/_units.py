"""Converting Python's units to the C API's: seconds to milliseconds, times to epoch milliseconds.

Only conversion lives here; the library judges every value (ranges, meaning of 0 and -1).
"""

from __future__ import annotations

from datetime import datetime, timezone


class _RegistryDefault:
    """The registry's default TTL (``ttl_ms`` setting): what ``claim(ttl=...)`` means when not given."""

    def __repr__(self) -> str:
        return "wir.REGISTRY_DEFAULT"


REGISTRY_DEFAULT = _RegistryDefault()
WIR_TTL_WHILE_ALIVE = -1


def ttl_ms(ttl: "float | None | _RegistryDefault") -> int:
    """A claim's TTL for the C API: the registry's default (0), while the owners live (None), or seconds."""
    if ttl is REGISTRY_DEFAULT:
        return 0
    if ttl is None:
        return WIR_TTL_WHILE_ALIVE
    return millis(ttl, 0)


def millis(seconds: float | None, none: int) -> int:
    """Seconds as whole milliseconds (rounded); ``none`` stands for None."""
    if seconds is None:
        return none
    return int(round(seconds * 1000))


def epoch_ms(when: datetime | float | None) -> int:
    """A datetime, or seconds since the epoch, as milliseconds since the epoch (None: 0)."""
    if when is None:
        return 0
    if isinstance(when, datetime):
        return int(when.timestamp() * 1000)
    return int(when * 1000)


def to_datetime(ms: int) -> datetime | None:
    """Milliseconds since the epoch as an aware UTC datetime (0: None)."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc) if ms > 0 else None
