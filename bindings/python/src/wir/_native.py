"""Finds libwir.so and declares its C functions for ctypes.

The library is looked for, in order, at ``$WIR_LIBRARY``, as a copy inside this
package (wheels bundle one), in ``pkg-config --variable=libdir wir``, and by
``ctypes.util.find_library("wir")``. If none loads, one ImportError lists every
place tried. Each function carries its C prototype from wir.h as a comment.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_int32, c_int64, c_size_t,
                    c_uint32, c_uint64, c_void_p)
from pathlib import Path

from ._errors import (ClaimCancelled, ClaimConflict, ClaimDeadlock, ClaimLost, ClaimTimeout, Conflict,
                      InvalidArgument, NotSupported, RegistryBusy, RegistryError, WirError)
from ._units import to_datetime


def _candidates() -> list[str]:
    places: list[str] = []
    if os.environ.get("WIR_LIBRARY"):
        places.append(os.environ["WIR_LIBRARY"])
    places.append(str(Path(__file__).with_name("libwir.so")))
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "wir"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        if libdir:
            places.append(os.path.join(libdir, "libwir.so"))
    except (OSError, subprocess.SubprocessError):
        pass
    found = ctypes.util.find_library("wir")
    if found:
        places.append(found)
    return places


def _load() -> ctypes.CDLL:
    tried: list[str] = []
    for place in _candidates():
        if os.sep in place and not os.path.exists(place):
            tried.append(f"{place}: no such file")
            continue
        try:
            return ctypes.CDLL(place)
        except OSError as error:
            tried.append(f"{place}: {error}")
    raise ImportError("wir: cannot load libwir.so; tried:\n  " + "\n  ".join(tried or ["nothing"])
                      + "\nSet WIR_LIBRARY to the library's path, or install wir (make install).")


lib = _load()

WIR_OK = 0
WIR_EINVAL, WIR_ENOMEM, WIR_ECONFLICT, WIR_ETIMEDOUT, WIR_ELOST = -1, -2, -3, -4, -5
WIR_EKEY, WIR_ENOTFOUND, WIR_EEXIST, WIR_ESTALE, WIR_EBUSY = -6, -7, -8, -9, -10
WIR_EIO, WIR_ECORRUPT, WIR_ESCHEMA, WIR_EPATH, WIR_EFORK = -11, -12, -13, -14, -15
WIR_ENOTSUP, WIR_EINTERNAL, WIR_ECANCELED, WIR_EDEADLK = -16, -17, -18, -19
WIR_POLICY_DEFAULT, WIR_POLICY_REFUSE, WIR_POLICY_QUEUE, WIR_POLICY_WARN = 0, 1, 2, 3
WIR_OUTCOME_COMPLETED, WIR_OUTCOME_FAILED, WIR_OUTCOME_CANCELLED = 0, 1, 2
WIR_ACCESS_WRITE, WIR_ACCESS_READ = 0, 1
WIR_CLAIM_OPTS_VERSION = 3
WIR_TTL_WHILE_ALIVE = -1
WIR_OWNER_PROCESS, WIR_OWNER_GROUP = 0, 1
WIR_CONFINE_STRICT, WIR_CONFINE_BEST_EFFORT, WIR_CONFINE_CHECK = 0, 1, 2
# Python's names for the C enumerations (a test checks every number against wir.h).
POLICIES = {None: WIR_POLICY_DEFAULT, "refuse": WIR_POLICY_REFUSE, "queue": WIR_POLICY_QUEUE, "warn": WIR_POLICY_WARN}
OUTCOMES = {"completed": WIR_OUTCOME_COMPLETED, "failed": WIR_OUTCOME_FAILED, "cancelled": WIR_OUTCOME_CANCELLED}


class ClaimOpts(Structure):
    """wir_claim_opts (version WIR_CLAIM_OPTS_VERSION)."""
    _fields_ = [
        ("version", c_uint32),
        ("task_id", c_char_p),
        ("writes", POINTER(c_char_p)),
        ("n_writes", c_size_t),
        ("ttl_ms", c_int64),
        ("policy", c_int32),
        ("timeout_ms", c_int64),
        ("key", c_char_p),
        ("owner_pid", c_int64),
        ("reads", POINTER(c_char_p)),
        ("n_reads", c_size_t),
        ("label", c_char_p),
        ("parent_task_id", c_char_p),
        ("parent_key", c_char_p),
        ("allow_writes", POINTER(c_char_p)),
        ("n_allow_writes", c_size_t),
    ]


class ConflictStruct(Structure):
    """wir_conflict: owned by the claim it came from."""
    _fields_ = [
        ("requested_path", c_char_p),
        ("held_path", c_char_p),
        ("holder_task_id", c_char_p),
        ("holder_host", c_char_p),
        ("holder_pid", c_int64),
        ("holder_expires_ms", c_int64),
        ("requested_access", c_int32),
        ("held_access", c_int32),
        ("holder_waiting", c_int32),
        ("holder_while_alive", c_int32),
    ]


# typedef void (*wir_warn_fn)(void *payload, const wir_claim_t *claim);
WarnFn = CFUNCTYPE(None, c_void_p, c_void_p)
# typedef void (*wir_wait_fn)(void *payload, const wir_claim_t *report, int64_t waited_ms);
WaitFn = CFUNCTYPE(None, c_void_p, c_void_p, c_int64)


def _declare(name: str, restype, argtypes) -> None:
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = argtypes


# int wir_version_number(void);
_declare("wir_version_number", c_int, [])
# const char *wir_version(void);
_declare("wir_version", c_char_p, [])
# const char *wir_errstr(int status);
_declare("wir_errstr", c_char_p, [c_int])
# const char *wir_errmsg(void);
_declare("wir_errmsg", c_char_p, [])
# int wir_open(wir_registry **out, const char *path);
_declare("wir_open", c_int, [POINTER(c_void_p), c_char_p])
# void wir_close(wir_registry *reg);
_declare("wir_close", None, [c_void_p])
# const char *wir_registry_path(const wir_registry *reg);
_declare("wir_registry_path", c_char_p, [c_void_p])
# int wir_claim(wir_claim_t **out, wir_registry *reg, const wir_claim_opts *opts);
_declare("wir_claim", c_int, [POINTER(c_void_p), c_void_p, POINTER(ClaimOpts)])
# int wir_probe(wir_claim_t **out, wir_registry *reg, const wir_claim_opts *opts);
_declare("wir_probe", c_int, [POINTER(c_void_p), c_void_p, POINTER(ClaimOpts)])
# int wir_cancel(size_t *out, wir_registry *reg, const char *task_id);
_declare("wir_cancel", c_int, [POINTER(c_size_t), c_void_p, c_char_p])
# int wir_set_warn_callback(wir_registry *reg, wir_warn_fn fn, void *payload);
_declare("wir_set_warn_callback", c_int, [c_void_p, WarnFn, c_void_p])
# int wir_set_wait_callback(wir_registry *reg, wir_wait_fn fn, void *payload);
_declare("wir_set_wait_callback", c_int, [c_void_p, WaitFn, c_void_p])
# int wir_shrink(wir_registry *reg, wir_claim_t *claim, const char *const *paths, size_t n_paths);
_declare("wir_shrink", c_int, [c_void_p, c_void_p, POINTER(c_char_p), c_size_t])
# int wir_config_get(char **out, wir_registry *reg, const char *name);
_declare("wir_config_get", c_int, [POINTER(c_void_p), c_void_p, c_char_p])
# int wir_config_set(wir_registry *reg, const char *name, const char *value);
_declare("wir_config_set", c_int, [c_void_p, c_char_p, c_char_p])
# void wir_free(void *memory);
_declare("wir_free", None, [c_void_p])
# int wir_inflight_json(char **out, wir_registry *reg);
_declare("wir_inflight_json", c_int, [POINTER(c_void_p), c_void_p])
# int wir_who_json(char **out, wir_registry *reg, const char *path);
_declare("wir_who_json", c_int, [POINTER(c_void_p), c_void_p, c_char_p])
# int wir_log_json(char **out, wir_registry *reg, int64_t since_ms, size_t limit);
_declare("wir_log_json", c_int, [POINTER(c_void_p), c_void_p, c_int64, c_size_t])
# int wir_history_json(char **out, wir_registry *reg, int64_t since_ms, size_t limit);
_declare("wir_history_json", c_int, [POINTER(c_void_p), c_void_p, c_int64, c_size_t])
# int wir_prune(size_t *out, wir_registry *reg, int64_t before_ms);
_declare("wir_prune", c_int, [POINTER(c_size_t), c_void_p, c_int64])
# int wir_attach(wir_claim_t **out, wir_registry *reg, const char *task_id, const char *key);
_declare("wir_attach", c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_char_p])
# int wir_heartbeat(wir_registry *reg, wir_claim_t *claim, int64_t ttl_ms);
_declare("wir_heartbeat", c_int, [c_void_p, c_void_p, c_int64])
# int wir_check(wir_registry *reg, wir_claim_t *claim);
_declare("wir_check", c_int, [c_void_p, c_void_p])
# int wir_add_owner(wir_registry *reg, wir_claim_t *claim, int64_t pid, int flags);
_declare("wir_add_owner", c_int, [c_void_p, c_void_p, c_int64, c_int])
# int wir_remove_owner(wir_registry *reg, wir_claim_t *claim, int64_t pid, int flags);
_declare("wir_remove_owner", c_int, [c_void_p, c_void_p, c_int64, c_int])
# int wir_hand_off(wir_registry *reg, wir_claim_t *claim, int64_t pid);
_declare("wir_hand_off", c_int, [c_void_p, c_void_p, c_int64])
# int wir_force_release(wir_registry *reg, const char *task_id);
_declare("wir_force_release", c_int, [c_void_p, c_char_p])
# int wir_release(wir_registry *reg, wir_claim_t *claim, int outcome);
_declare("wir_release", c_int, [c_void_p, c_void_p, c_int])
# void wir_claim_free(wir_claim_t *claim);
_declare("wir_claim_free", None, [c_void_p])
# int wir_token_check(wir_registry *reg, const char *path, uint64_t token);
_declare("wir_token_check", c_int, [c_void_p, c_char_p, c_uint64])
# int wir_reap(size_t *out, wir_registry *reg);
_declare("wir_reap", c_int, [POINTER(c_size_t), c_void_p])
# int wir_landlock_abi(void);
_declare("wir_landlock_abi", c_int, [])
# int wir_confine(wir_registry *reg, const wir_claim_t *claim, int flags);
_declare("wir_confine", c_int, [c_void_p, c_void_p, c_int])
# const char *wir_claim_task_id(const wir_claim_t *claim);
_declare("wir_claim_task_id", c_char_p, [c_void_p])
# const char *wir_claim_key(const wir_claim_t *claim);
_declare("wir_claim_key", c_char_p, [c_void_p])
# uint64_t wir_claim_token(const wir_claim_t *claim);
_declare("wir_claim_token", c_uint64, [c_void_p])
# int64_t wir_claim_expires_ms(const wir_claim_t *claim);
_declare("wir_claim_expires_ms", c_int64, [c_void_p])
# size_t wir_claim_path_count(const wir_claim_t *claim);
_declare("wir_claim_path_count", c_size_t, [c_void_p])
# const char *wir_claim_path(const wir_claim_t *claim, size_t i);
_declare("wir_claim_path", c_char_p, [c_void_p, c_size_t])
# size_t wir_claim_conflict_count(const wir_claim_t *claim);
_declare("wir_claim_conflict_count", c_size_t, [c_void_p])
# size_t wir_claim_conflict_total(const wir_claim_t *claim);
_declare("wir_claim_conflict_total", c_size_t, [c_void_p])
# const wir_conflict *wir_claim_conflict(const wir_claim_t *claim, size_t i);
_declare("wir_claim_conflict", POINTER(ConflictStruct), [c_void_p, c_size_t])


def read_conflicts(pointer: int) -> tuple[Conflict, ...]:
    """The conflict report of a wir_claim_t (borrowed; copied out)."""
    conflicts = []
    for index in range(lib.wir_claim_conflict_count(pointer)):
        item = lib.wir_claim_conflict(pointer, index).contents
        conflicts.append(Conflict(
            requested_path=item.requested_path.decode(), held_path=item.held_path.decode(),
            holder_task_id=item.holder_task_id.decode(), pid=item.holder_pid,
            host=item.holder_host.decode(), expires_at=to_datetime(item.holder_expires_ms),
            requested_access="read" if item.requested_access == WIR_ACCESS_READ else "write",
            held_access="read" if item.held_access == WIR_ACCESS_READ else "write",
            holder_waiting=bool(item.holder_waiting), holder_while_alive=bool(item.holder_while_alive)))
    return tuple(conflicts)


_ERRORS = {
    WIR_EINVAL: InvalidArgument, WIR_EPATH: InvalidArgument, WIR_ELOST: ClaimLost,
    WIR_ECANCELED: ClaimCancelled, WIR_EDEADLK: ClaimDeadlock, WIR_EBUSY: RegistryBusy, WIR_EIO: RegistryError,
    WIR_ECORRUPT: RegistryError, WIR_ESCHEMA: RegistryError, WIR_ENOTSUP: NotSupported,
}


def error_for(status: int, message: str) -> WirError:
    return _ERRORS.get(status, WirError)(message, status)


def _check(result: int, function, arguments):
    """errcheck for functions returning a status: raise on anything but WIR_OK."""
    if result != WIR_OK:
        raise error_for(result, errmsg())
    return result


def _check_claim(result: int, function, arguments):
    """errcheck for wir_claim: a refused or timed-out claim carries the report,
    which is copied into the exception before the claim object is freed."""
    if result == WIR_OK:
        return result
    message = errmsg()
    if result in (WIR_ECONFLICT, WIR_ETIMEDOUT):
        out = arguments[0]._obj
        conflicts = read_conflicts(out.value)
        task_id = lib.wir_claim_task_id(out.value).decode()
        total = lib.wir_claim_conflict_total(out.value)
        lib.wir_claim_free(out.value)
        out.value = None
        kind = ClaimTimeout if result == WIR_ETIMEDOUT else ClaimConflict
        raise kind(message, result, conflicts, task_id, total)
    raise error_for(result, message)


def _check_probe(result: int, function, arguments):
    """errcheck for wir_probe: WIR_ECONFLICT is an answer (the report is on the object), not an error."""
    if result not in (WIR_OK, WIR_ECONFLICT):
        raise error_for(result, errmsg())
    return result


def _check_token(result: int, function, arguments):
    """errcheck for wir_token_check: WIR_ESTALE is an answer, not an error."""
    if result not in (WIR_OK, WIR_ESTALE):
        raise error_for(result, errmsg())
    return result


for _name in ["wir_open", "wir_cancel", "wir_set_warn_callback", "wir_set_wait_callback", "wir_shrink", "wir_config_get",
              "wir_config_set", "wir_inflight_json", "wir_who_json", "wir_log_json", "wir_history_json",
              "wir_prune", "wir_attach", "wir_heartbeat", "wir_release", "wir_reap", "wir_force_release",
              "wir_check", "wir_add_owner", "wir_remove_owner", "wir_hand_off", "wir_confine"]:
    getattr(lib, _name).errcheck = _check
lib.wir_claim.errcheck = _check_claim
lib.wir_token_check.errcheck = _check_token
lib.wir_probe.errcheck = _check_probe


def _check_abi(result: int, function, arguments):
    """errcheck for wir_landlock_abi: an ABI (0 or more), or a status."""
    if result < 0:
        raise error_for(result, errmsg())
    return result


lib.wir_landlock_abi.errcheck = _check_abi


def errmsg() -> str:
    """The calling thread's last error message (wir's messages are per thread)."""
    return lib.wir_errmsg().decode("utf-8", "replace")


def take_string(pointer: c_void_p) -> str:
    """Copies a string the library handed over, then frees it with wir_free."""
    try:
        return ctypes.string_at(pointer.value).decode("utf-8") if pointer.value else ""
    finally:
        lib.wir_free(pointer)
