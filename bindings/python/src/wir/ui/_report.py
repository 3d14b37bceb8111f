"""``wir-ui --report FILE``: the page's timeline of one window, as one self-contained HTML file.

The file holds the same page as the live view with the window's data inside it, and no live
connection: the timeline, the conflict log and what was in flight when it was made, filterable,
with no request to anywhere (its Content-Security-Policy forbids them). Attach it to an
incident report. Thread-safe (nothing here is shared).
"""

from __future__ import annotations

import os
import sys
import tempfile

from .._registry import Registry
from . import _page, _snapshot
from ._location import shown


def render(registry: Registry, from_ms: int, to_ms: int) -> tuple[str, dict]:
    """The report's HTML and the window it shows (every part: docs/json.md's shapes)."""
    window = _snapshot.window(registry, from_ms, to_ms)
    return _page.render({"registry": shown(registry.path), "window": window}, live=False), window


def write(text: str, destination: str) -> None:
    """Writes ``text`` to ``destination`` (``-``: standard output) whole: a reader never sees half a file."""
    if destination == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(destination))
    handle, temporary = tempfile.mkstemp(prefix=".wir-report-", suffix=".html", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        os.unlink(temporary)
        raise
