"""Bad input through the Python binding: a documented exception, no crash, nothing changed."""

import json
import os

import pytest

import wir


def fingerprint(registry):
    return (registry.in_flight(), registry.history(), registry.conflict_log())


CASES = [
    ("an empty path", dict(writes=[""]), wir.InvalidArgument),
    ("a newline in a path", dict(writes=["/tmp/a\nb"]), wir.InvalidArgument),
    ("a 70,000-byte path", dict(writes=["/" + "a" * 70_000]), wir.InvalidArgument),
    ("a path that is not UTF-8", dict(writes=[b"/tmp/\xff\xfe"]), wir.InvalidArgument),
    ("a malformed glob", dict(writes=["/tmp/src/[ab"]), wir.InvalidArgument),
    ("'..' after a wildcard", dict(writes=["/tmp/src/*/../x"]), wir.InvalidArgument),
    ("no paths at all", dict(), wir.InvalidArgument),
    ("an unknown policy", dict(writes=["/tmp/x"], policy="sometimes"), ValueError),
    ("a negative TTL", dict(writes=["/tmp/x"], ttl=-1), ValueError),
    ("a TTL over a year", dict(writes=["/tmp/x"], ttl=400 * 86400), wir.InvalidArgument),
    ("a negative timeout", dict(writes=["/tmp/x"], timeout=-1), ValueError),
    ("an empty task id", dict(writes=["/tmp/x"], task_id=""), wir.InvalidArgument),
    ("a 10 KiB task id", dict(writes=["/tmp/x"], task_id="t" * 10_240), wir.InvalidArgument),
    ("a single string, not a list", dict(writes="/tmp/x"), TypeError),
    ("a dead owner pid", dict(writes=["/tmp/x"], owner_pid=0x3FFFFFF0), wir.InvalidArgument),
]


@pytest.mark.parametrize("name, arguments, error", CASES, ids=[case[0] for case in CASES])
def test_bad_claims(registry, name, arguments, error):
    held = registry.claim(writes=["/tmp/wir-bad-input-held"], task_id="held")
    before = fingerprint(registry)
    with pytest.raises(error) as raised:
        registry.claim(**arguments)
    assert str(raised.value), "the error must say what was wrong"
    assert fingerprint(registry) == before, f"{name} changed the registry"
    held.release()


def test_ended_claims_and_wrong_keys(registry, tmp_path):
    claim = registry.claim(writes=[tmp_path / "f"], task_id="t")
    claim.release()
    before = fingerprint(registry)
    with pytest.raises(wir.ClaimLost):
        claim.release()
    with pytest.raises(wir.ClaimLost):
        claim.heartbeat()
    with pytest.raises(wir.WirError):
        registry.attach("t", "wrong")
    with pytest.raises(ValueError):
        claim.release("forgotten")
    assert fingerprint(registry) == before


def test_bad_registry_files_and_a_closed_handle(tmp_path):
    with pytest.raises(wir.RegistryError):
        wir.Registry(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00junk" * 1000)
    with pytest.raises(wir.RegistryError):
        wir.Registry(junk)
    assert junk.read_bytes() == b"\x00junk" * 1000
    registry = wir.Registry(tmp_path / "r.db")
    registry.close()
    with pytest.raises(ValueError, match="closed"):
        registry.claim(writes=[tmp_path / "x"])


# ---- What the C API cannot receive: refused in Python, never cut or wrapped (issue #15, item 7) ----

NOT_FOR_C = [
    ("a NUL in a path", dict(writes=["/tmp/wir-a\x00/etc"]), "NUL"),
    ("a NUL in a path given as bytes", dict(writes=[b"/tmp/wir-a\x00/etc"]), "NUL"),
    ("a NUL in a read", dict(reads=["/tmp/wir-r\x00x"]), "NUL"),
    ("a NUL in a task id", dict(writes=["/tmp/x"], task_id="t\x00u"), "NUL"),
    ("a NUL in a label", dict(writes=["/tmp/x"], label="l\x00"), "NUL"),
    ("a NUL in a key", dict(writes=["/tmp/x"], task_id="held", key="k\x00"), "NUL"),
    ("a TTL beyond 64 bits", dict(writes=["/tmp/x"], ttl=2**63), "out of range"),
    ("a TTL of infinity", dict(writes=["/tmp/x"], ttl=float("inf")), "infinite"),
    ("a TTL that is NaN", dict(writes=["/tmp/x"], ttl=float("nan")), "NaN"),
    ("a TTL under a millisecond", dict(writes=["/tmp/x"], ttl=1e-4), "too short to renew"),
    ("a negative TTL under a millisecond", dict(writes=["/tmp/x"], ttl=-1e-4), "negative"),
    ("an owner pid beyond 64 bits", dict(writes=["/tmp/x"], owner_pid=2**70), "out of range"),
    ("a timeout beyond 64 bits", dict(writes=["/tmp/x"], policy="queue", timeout=1.8e16), "1.8e+16"),
    ("a negative timeout under a millisecond", dict(writes=["/tmp/x"], timeout=-1e-4), "negative"),
]


@pytest.mark.parametrize("name, arguments, named", NOT_FOR_C, ids=[case[0] for case in NOT_FOR_C])
def test_values_c_cannot_hold_are_refused_not_cut_or_wrapped(registry, name, arguments, named):
    held = registry.claim(writes=["/tmp/wir-bad-input-held"], task_id="held")
    before = fingerprint(registry)
    with pytest.raises(wir.InvalidArgument) as raised:
        registry.claim(**arguments)
    assert isinstance(raised.value, ValueError) and named in str(raised.value), str(raised.value)
    assert fingerprint(registry) == before, f"{name} changed the registry"
    held.release()


def test_a_nul_byte_is_refused_everywhere_a_string_goes_to_c(registry, tmp_path):
    claim = registry.claim(writes=[tmp_path / "f"], task_id="t")
    calls = [lambda: wir.Registry(str(tmp_path / "r\x00x")), lambda: registry.who("/tmp/a\x00b"),
             lambda: registry.token_holds("/tmp/a\x00b", 1), lambda: registry.attach("t\x00", claim.key),
             lambda: registry.force_release("t\x00"), lambda: registry.cancel("t\x00"),
             lambda: registry.config("ttl\x00"), lambda: registry.set_config("ttl", "10m\x00"),
             lambda: claim.shrink(["/tmp/a\x00"]), lambda: registry.claim(writes=["/tmp/y"], parent=("t\x00", claim.key))]
    for call in calls:
        with pytest.raises(ValueError, match="NUL"):
            call()
    assert not (tmp_path / "r").exists(), "the registry 'r' must not be opened"
    assert registry.in_flight()["claims"][0]["task_id"] == "t" and claim.check()


def test_seconds_become_milliseconds_without_changing_meaning():
    from wir._units import millis, ttl_ms
    assert millis(1e-4, -1) == 1, "a positive timeout never becomes 0 (try once)"
    assert ttl_ms(1e-4) == 1, "a positive TTL never becomes 0 (the registry's default)"
    assert millis(0.3, -1) == 300 and millis(0, -1) == 0 and millis(None, -1) == -1
    assert millis(float("inf"), -1) == -1, "an infinite timeout waits for ever"
    with pytest.raises(ValueError):
        millis(2**70, -1)


def test_a_limit_of_minus_one_lists_every_row_and_other_negatives_are_refused(registry, tmp_path):
    for index in range(3):
        registry.claim(writes=[tmp_path / f"f{index}"]).release()
    assert len(registry.history(limit=-1)) == 3 and len(registry.history(limit=None)) == 3
    assert len(registry.history(limit=2)) == 2 and registry.history(limit=0) == []
    with registry.claim(writes=[tmp_path / "held"]):
        with pytest.raises(wir.ClaimConflict):
            registry.claim(writes=[tmp_path / "held"], owner_pid=os.getppid())
    assert len(registry.conflict_log(limit=-1)) == 1
    for bad in (-2, 2**64):
        with pytest.raises(ValueError, match="limit"):
            registry.history(limit=bad)


def test_c_takes_size_max_as_every_row(registry, tmp_path):
    import ctypes
    from wir import _native
    for index in range(3):
        registry.claim(writes=[tmp_path / f"f{index}"]).release()
    raw = ctypes.CDLL(_native.lib._name)
    raw.wir_history_json.restype = ctypes.c_int
    raw.wir_history_json.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, ctypes.c_int64, ctypes.c_size_t]
    for function in (raw.wir_history_json,):
        out = ctypes.c_void_p()
        assert function(ctypes.byref(out), registry._handle.use(), 0, ctypes.c_size_t(-1).value) == 0
        rows = json.loads(ctypes.string_at(out.value).decode())
        _native.lib.wir_free(out)
        assert len(rows) == 3


LONGEST_WAIT = """
import ctypes, os, sys, threading, time, wir
from wir import _native
registry = wir.Registry(sys.argv[1])
holder = registry.claim(writes=[sys.argv[2]], task_id="holder")
threading.Timer(0.5, registry.cancel, ["waiter"]).start()
options = registry._handle._options([sys.argv[2]], [], task_id="waiter", policy="queue", owner_pid=os.getppid())
options.timeout_ms = int(sys.argv[3])
try:
    _native.lib.wir_claim(ctypes.byref(ctypes.c_void_p()), registry._handle.use(), ctypes.byref(options))
except wir.ClaimCancelled:
    print("cancelled")
"""


@pytest.mark.parametrize("timeout_ms", [2**63 - 1, 2**63 - 1000, 9_000_000_000_000_000_000])
def test_a_queued_claim_with_the_longest_timeout_waits_and_can_be_cancelled(tmp_path, python_env, timeout_ms):
    """C's INT64_MAX as timeout_ms (or anything too long to add to the clock) waits as long as -1,
    and never crashes the process (it did: an overflow trap)."""
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-c", LONGEST_WAIT, str(tmp_path / "registry.db"), str(tmp_path / "f"),
                             str(timeout_ms)], env=python_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "cancelled\n", result.stderr[-2000:]
