"""``Registry.run``: a subprocess under a claim, confined to it if asked (Linux Landlock)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING, Any, Iterable

from . import _native
from ._errors import NotSupported
from ._native import lib

if TYPE_CHECKING:
    from ._registry import Registry

logger = logging.getLogger("wir")

#: ``confine=`` values and wir_confine's flags.
MODES = {True: _native.WIR_CONFINE_STRICT, "strict": _native.WIR_CONFINE_STRICT,
         "best-effort": _native.WIR_CONFINE_BEST_EFFORT}


def run(registry: "Registry", args, writes: Iterable, reads: Iterable, *, confine: bool | str,
        allow_writes: Iterable, claim_options: dict[str, Any], **kwargs: Any) -> subprocess.CompletedProcess:
    """See ``Registry.run``."""
    if confine is False:
        flags = None
    elif confine in MODES:
        flags = MODES[confine]
    else:
        raise ValueError(f"confine must be False, True, 'strict' or 'best-effort', not {confine!r}")
    allow_writes = list(allow_writes)
    if flags is None and allow_writes:
        raise ValueError("allow_writes needs confine")
    if flags is not None and kwargs.get("preexec_fn") is not None:
        raise ValueError("a confined run sets its own preexec_fn")
    temp = tempfile.mkdtemp(prefix="wir-run-") if flags is not None else None
    try:
        claim = registry.claim(writes, reads, ttl=None, allow_writes=allow_writes + ([temp] if temp else []),
                               **claim_options)
        outcome = "failed"
        try:
            env = dict(kwargs.pop("env", None) or os.environ)
            env.update(WIR_TASK_ID=claim.task_id, WIR_KEY=claim.key, WIR_TOKEN=str(claim.token),
                       WIR_REGISTRY=registry.path)
            if flags is not None:
                env["TMPDIR"] = temp
                kwargs["preexec_fn"] = _confiner(registry, claim, flags)
            completed = subprocess.run(args, env=env, **kwargs)
            outcome = "completed" if completed.returncode == 0 else "cancelled" if completed.returncode < 0 else "failed"
            return completed
        except KeyboardInterrupt:
            outcome = "cancelled"
            raise
        finally:
            claim.release(outcome)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _confiner(registry: "Registry", claim, flags: int):
    """Checks here, where a failure can still be shown (best-effort: logs what the kernel leaves out),
    and returns the preexec_fn that confines the child before it execs."""
    reg, pointer = registry._handle.use(), claim._pointer
    if flags == _native.WIR_CONFINE_BEST_EFFORT:
        try:
            lib.wir_confine(reg, pointer, _native.WIR_CONFINE_STRICT | _native.WIR_CONFINE_CHECK)
        except NotSupported as shortfall:
            logger.warning("confined as far as this kernel can: %s", shortfall.message)
    lib.wir_confine(reg, pointer, flags | _native.WIR_CONFINE_CHECK)

    def confine() -> None:            # in the child, after fork: the parent's handles, no new ones
        lib.wir_confine(reg, pointer, flags)
    return confine
