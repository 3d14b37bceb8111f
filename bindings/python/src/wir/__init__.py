"""wir: declare the paths a task will write before it starts.

    from wir import Registry, ClaimConflict
    reg = Registry()
    with reg.claim(writes=[".hermes/state.json"], task_id="td-002", ttl=600, heartbeat=True) as claim:
        ...   # claim.token is the fencing token

A thin ctypes binding over libwir.so; every rule lives in the library.
"""

from ._claim import Claim
from ._errors import (ClaimBlocked, ClaimCancelled, ClaimConflict, ClaimDeadlock, ClaimLost, ClaimTimeout, Conflict,
                      InvalidArgument, NotSupported, RegistryBusy, RegistryError, WirError)
from ._native import lib as _lib
from ._registry import AsyncClaim, Registry
from ._writes_to import WritesTo
from ._units import REGISTRY_DEFAULT

__all__ = [
    "AsyncClaim", "Claim", "ClaimBlocked", "ClaimCancelled", "ClaimConflict", "ClaimDeadlock", "ClaimLost", "ClaimTimeout",
    "Conflict", "InvalidArgument", "NotSupported", "REGISTRY_DEFAULT", "Registry", "RegistryBusy", "RegistryError",
    "WirError", "WritesTo", "landlock_abi", "library_version",
]


def library_version() -> str:
    """The version of the loaded libwir.so."""
    return _lib.wir_version().decode()


def landlock_abi() -> int:
    """The Linux Landlock ABI this kernel offers (0: none; $WIR_LANDLOCK_ABI lowers it for tests).
    ``Registry.run(..., confine=True)`` needs 3."""
    return _lib.wir_landlock_abi()


def _package_version() -> str:
    """The installed package's version (setup.py takes it from wir.h); in a source checkout, the library's."""
    try:
        from importlib.metadata import PackageNotFoundError, version
        return version("wir")
    except (ImportError, PackageNotFoundError):
        return library_version()


__version__ = _package_version()
