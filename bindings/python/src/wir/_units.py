"""Converting Python's values to the C API's: strings to C strings, seconds to milliseconds, times
to epoch milliseconds, counts to the C integer types.

Only conversion lives here; the library judges every value it receives (ranges, meaning of 0 and
-1). What the C API cannot receive is refused here, with InvalidArgument (a ValueError), never
cut or wrapped into another meaning: a string with a NUL byte (a C string would end there), a
number that does not fit its C type, a negative or NaN number of seconds (the C API's negative
values -1 are sentinels that Python spells None). A positive duration shorter than a
millisecond counts as 1 ms (0 would mean "the registry's default" or "try once").
"""

from __future__ import annotations

import math
import os
import sys
from datetime import datetime, timezone

from ._errors import InvalidArgument

INT64_MAX = 2**63 - 1
SIZE_MAX = 2**64 - 1


class _RegistryDefault:
    """The registry's default TTL (``ttl_ms`` setting): what ``claim(ttl=...)`` means when not given."""

    def __repr__(self) -> str:
        return "wir.REGISTRY_DEFAULT"


REGISTRY_DEFAULT = _RegistryDefault()
WIR_TTL_WHILE_ALIVE = -1
_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()


def _refuse(message: str) -> InvalidArgument:
    from ._native import WIR_EINVAL        # _native imports this module
    return InvalidArgument(message, WIR_EINVAL)


def c_string(value: "str | bytes | os.PathLike", what: str) -> bytes:
    """A string, bytes or path as the bytes of a C string; refuses a NUL byte, where C would cut it."""
    if type(value) is str:               # the common case, as os.fsencode encodes it, without its checks
        encoded = value.encode(_FS_ENCODING, _FS_ERRORS)
    else:
        encoded = os.fsencode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value).encode()
    if b"\0" in encoded:
        raise _refuse(f"{what} {value!r} holds a NUL byte, which a C string cannot hold")
    return encoded


def c_string_or_none(value, what: str) -> bytes | None:
    return None if value is None else c_string(value, what)


def c_strings(items, what: str) -> list[bytes]:
    """Paths as the bytes the C API takes (a lone string is refused: it would be split into characters)."""
    if type(items) is not list and type(items) is not tuple and isinstance(items, (str, bytes, os.PathLike)):
        raise TypeError("pass a list of paths, not a single path")
    return [c_string(item, what) for item in items] if items else []


def int64(value: int, what: str) -> int:
    """An integer for an int64_t argument, refused when it does not fit (ctypes would wrap it)."""
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise _refuse(f"{what} {value} is out of range (it does not fit in 64 bits)")
    return value


def uint64(value: int, what: str) -> int:
    if not 0 <= value <= SIZE_MAX:
        raise _refuse(f"{what} {value} is out of range (0 to {SIZE_MAX})")
    return value


def row_limit(limit: int | None) -> int:
    """A listing's ``limit`` as a size_t: None or -1 mean every row (SIZE_MAX)."""
    if limit is None or limit == -1:
        return SIZE_MAX
    if limit < 0:
        raise _refuse(f"limit {limit} is out of range (0 or more; -1 or None for every row)")
    return uint64(limit, "limit")


def ttl_ms(ttl: "float | None | _RegistryDefault") -> int:
    """A claim's TTL for the C API: the registry's default (0), while the owners live (None), or seconds."""
    if ttl is REGISTRY_DEFAULT:
        return 0
    if ttl is None:
        return WIR_TTL_WHILE_ALIVE
    return millis(ttl, 0, "ttl")


def millis(seconds: float | None, none: int, what: str = "duration") -> int:
    """Seconds as whole milliseconds (rounded, a positive amount to at least 1); ``none`` stands for
    None; ``math.inf`` stands for ``none`` too when ``none`` is -1 (for ever)."""
    if seconds is None:
        return none
    if isinstance(seconds, float) and math.isnan(seconds):
        raise _refuse(f"{what} is NaN, not a number of seconds")
    if seconds < 0:
        raise _refuse(f"{what} {seconds!r} s is negative")
    if math.isinf(seconds):
        if none == -1:
            return -1
        raise _refuse(f"{what} is infinite")
    ms = round(seconds * 1000)
    if ms == 0 and seconds > 0:
        ms = 1
    if ms > INT64_MAX:
        raise _refuse(f"{what} {seconds!r} s is out of range (it does not fit in 64-bit milliseconds)")
    return ms


def epoch_ms(when: datetime | float | None) -> int:
    """A datetime, or seconds since the epoch, as milliseconds since the epoch (None: 0)."""
    if when is None:
        return 0
    if isinstance(when, datetime):
        return int64(int(when.timestamp() * 1000), "time")
    if isinstance(when, float) and not math.isfinite(when):
        raise _refuse(f"time {when!r} is not a number of seconds")
    return int64(int(when * 1000), "time")


def to_datetime(ms: int) -> datetime | None:
    """Milliseconds since the epoch as an aware UTC datetime (0: None)."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc) if ms > 0 else None
