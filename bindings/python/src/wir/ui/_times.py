"""The web view's time arguments: ``--since 1h`` and ``--from``/``--to`` times, as epoch milliseconds.

Durations are written as ``wir``'s CLI writes them: a number with a unit (``250ms``, ``30s``,
``1.5m``, ``10m``, ``1h``, ``1d``) or plain seconds. Times are ISO 8601; one without a zone is
local time. Each parser raises ValueError with a message that names the bad text. Thread-safe.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

_UNITS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)?")


def duration_ms(text: str) -> int:
    """``"1.5h"`` as 5400000; plain numbers are seconds. Positive durations only."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration (a number with a unit: 30s, 10m, 1h, 1d)")
    value = round(float(match.group(1)) * _UNITS[match.group(2) or "s"])
    if value <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return value


def time_ms(text: str) -> int:
    """An ISO 8601 time (``2031-05-01T09:30``, ``2031-05-01 09:30:00+02:00``) as epoch milliseconds."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a time (ISO 8601, such as 2031-05-01T09:30 or "
                         "2031-05-01T09:30:00+00:00)") from None
    return int(when.timestamp() * 1000)     # a naive time is taken as local time


def now_ms() -> int:
    """This host's clock, in epoch milliseconds (the clock a file registry's leases go by)."""
    return time.time_ns() // 1_000_000
