"""The same bad input gives the same message through C, the CLI and Python: each only converts
values, and the library judges them (one function per rule)."""
import ctypes
import os
import subprocess

import pytest

import wir
from wir import _native

CLI = os.environ.get("WIR_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="WIR_CLI names no wir command (make test-python sets it)")


class RawC:
    """The C API without the binding's error checks: a status and wir_errmsg()."""

    def __init__(self, registry_path: str):
        self.lib = ctypes.CDLL(_native.lib._name)
        for name, restype, argtypes in [
                ("wir_open", ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]),
                ("wir_close", None, [ctypes.c_void_p]),
                ("wir_errmsg", ctypes.c_char_p, []),
                ("wir_claim", ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                                             ctypes.POINTER(_native.ClaimOpts)]),
                ("wir_claim_free", None, [ctypes.c_void_p]),
                ("wir_config_get", ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, ctypes.c_char_p]),
                ("wir_config_set", ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p])]:
            function = getattr(self.lib, name)
            function.restype, function.argtypes = restype, argtypes
        self.reg = ctypes.c_void_p()
        assert self.lib.wir_open(ctypes.byref(self.reg), registry_path.encode()) == 0

    def message(self, status: int) -> str:
        assert status == _native.WIR_EINVAL, status
        return self.lib.wir_errmsg().decode()

    def claim(self, writes=(), task_id=None, label=None, allow_writes=()) -> str:
        paths, allowed = [p.encode() for p in writes], [p.encode() for p in allow_writes]
        options = _native.ClaimOpts(version=_native.WIR_CLAIM_OPTS_VERSION, writes=(ctypes.c_char_p * len(paths))(*paths),
                                    n_writes=len(paths), task_id=task_id and task_id.encode(),
                                    label=label and label.encode(), timeout_ms=-1,
                                    allow_writes=(ctypes.c_char_p * len(allowed))(*allowed),
                                    n_allow_writes=len(allowed))
        out = ctypes.c_void_p()
        status = self.lib.wir_claim(ctypes.byref(out), self.reg, ctypes.byref(options))
        self.lib.wir_claim_free(out)
        return self.message(status)

    def config_get(self, name: str) -> str:
        out = ctypes.c_void_p()
        return self.message(self.lib.wir_config_get(ctypes.byref(out), self.reg, name.encode()))

    def config_set(self, name: str, value: str) -> str:
        return self.message(self.lib.wir_config_set(self.reg, name.encode(), value.encode()))


def cli(registry_path: str, *arguments: str) -> str:
    # The registry through the environment: after `run ... --`, an option would be the command's.
    result = subprocess.run([CLI, *arguments], capture_output=True, text=True,
                            env={**os.environ, "WIR_REGISTRY": registry_path})
    assert result.returncode == 64, (arguments, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wir: "), result.stderr
    return lines[0][len("wir: "):]


def python(action) -> str:
    with pytest.raises(wir.InvalidArgument) as raised:
        action()
    return str(raised.value)


CASES = [
    ("an empty path", dict(writes=[""]), ["claim", "--writes", ""]),
    ("a newline in a path", dict(writes=["a\nb"]), ["claim", "--writes", "a\nb"]),
    ("an unclosed bracket", dict(writes=["src/[ab"]), ["claim", "--writes", "src/[ab"]),
    ("a control character in a task id", dict(writes=["f"], task_id="t\x01x"), ["claim", "--writes", "f", "--task", "t\x01x"]),
    ("a task id too long", dict(writes=["f"], task_id="x" * 300), ["claim", "--writes", "f", "--task", "x" * 300]),
    ("a control character in a label", dict(writes=["f"], label="l\x1bx"), ["claim", "--writes", "f", "--label", "l\x1bx"]),
    ("nothing to claim", dict(writes=[]), ["claim"]),
    ("a path starting with ~, unexpanded", dict(writes=["~/notes.md"]), ["claim", "--writes", "~/notes.md"]),
    ("a glob starting with ~", dict(writes=["~user/src/*.py"]), ["claim", "--writes", "~user/src/*.py"]),
    ("a glob to write without claiming", dict(writes=["f"], allow_writes=["c*"]),
     ["run", "--confine", "--allow-write", "c*", "--writes", "f", "--", "true"]),
]


@pytest.mark.parametrize("what, arguments, command", CASES, ids=[case[0] for case in CASES])
def test_a_bad_claim_says_the_same_everywhere(tmp_path, what, arguments, command):
    path = str(tmp_path / "registry.db")
    c = RawC(path).claim(**arguments)
    reg = wir.Registry(path)
    assert python(lambda: reg.claim(**arguments)) == c
    assert cli(path, *command) == c


SETTINGS = [
    ("an unknown setting", ("get", "colour", None)),
    ("an unknown setting to set", ("set", "colour", "1")),
    ("a duration that is not one", ("set", "ttl_ms", "forever")),
    ("a grace beyond a year", ("set", "grace_ms", "400d")),
    ("a TTL of zero", ("set", "ttl_ms", "0ms")),
    ("a policy that is not one", ("set", "policy", "sometimes")),
    ("a retention that is not a number of days", ("set", "log_days", "a month")),
    ("a retention beyond a century", ("set", "history_days", "40000")),
    ("a confine mode that is not one", ("set", "confine", "sometimes")),
]


@pytest.mark.parametrize("what, case", SETTINGS, ids=[case[0] for case in SETTINGS])
def test_a_bad_setting_says_the_same_everywhere(tmp_path, what, case):
    verb, name, value = case
    path = str(tmp_path / "registry.db")
    raw, reg = RawC(path), wir.Registry(path)
    if verb == "get":
        c = raw.config_get(name)
        assert python(lambda: reg.config(name)) == c
        assert cli(path, "config", "get", name) == c
    else:
        c = raw.config_set(name, value)
        assert python(lambda: reg.set_config(name, value)) == c
        assert cli(path, "config", "set", name, value) == c
