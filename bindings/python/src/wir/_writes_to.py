"""``Registry.writes_to``: a claim around a block, or around each call of a function."""

from __future__ import annotations

import functools
import inspect
import os
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from ._claim import Claim
    from ._registry import Registry


class WritesTo:
    """A decorator for plain and ``async def`` functions (each call claims afresh) and a
    context manager (``with`` and ``async with``; one block at a time). With nothing to
    write or read it claims nothing: the block runs and yields None."""

    def __init__(self, registry: "Registry", writes: Iterable[str | os.PathLike],
                 reads: Iterable[str | os.PathLike], options: dict[str, Any]):
        self._registry = registry
        # A lone path stays as it is, for the library's check to refuse with a clear message.
        self._writes = writes if isinstance(writes, (str, bytes, os.PathLike)) else list(writes)
        self._reads = reads if isinstance(reads, (str, bytes, os.PathLike)) else list(reads)
        self._options = dict(options)
        self._held: Any = None

    def _fresh(self) -> "WritesTo":
        return WritesTo(self._registry, self._writes, self._reads, self._options)

    def _empty(self) -> bool:
        return not self._writes and not self._reads

    def __call__(self, function):
        if inspect.iscoroutinefunction(function):
            @functools.wraps(function)
            async def claimed_async(*args, **kwargs):
                async with self._fresh():
                    return await function(*args, **kwargs)
            return claimed_async

        @functools.wraps(function)
        def claimed(*args, **kwargs):
            with self._fresh():
                return function(*args, **kwargs)
        return claimed

    def __enter__(self) -> "Claim | None":
        if self._empty():
            return None
        self._held = self._registry.claim(self._writes, self._reads, **self._options)
        return self._held.__enter__()

    def __exit__(self, kind, value, traceback) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.__exit__(kind, value, traceback)

    async def __aenter__(self) -> "Claim | None":
        if self._empty():
            return None
        self._held = self._registry.aclaim(self._writes, self._reads, **self._options)
        return await self._held.__aenter__()

    async def __aexit__(self, kind, value, traceback) -> None:
        held, self._held = self._held, None
        if held is not None:
            await held.__aexit__(kind, value, traceback)
