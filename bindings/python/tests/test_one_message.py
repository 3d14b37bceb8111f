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


def c_open(path: str | None) -> str:
    """wir_open's status and message, through the C API alone."""
    lib = ctypes.CDLL(_native.lib._name)
    lib.wir_open.restype, lib.wir_open.argtypes = ctypes.c_int, [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p]
    lib.wir_errmsg.restype = ctypes.c_char_p
    reg = ctypes.c_void_p()
    status = lib.wir_open(ctypes.byref(reg), None if path is None else path.encode())
    assert status == _native.WIR_EINVAL and not reg.value, status
    return lib.wir_errmsg().decode()


NOT_REGISTRIES = [
    ("a libpq keyword string", "host=db password=S3cret"),
    ("a misspelt scheme", "postgressql://me:S3cret@host/x"),
    ("a SQLite URI", "file:///tmp/wir-not-a-registry.db"),
]


@pytest.mark.parametrize("what, location", NOT_REGISTRIES, ids=[case[0] for case in NOT_REGISTRIES])
def test_a_string_that_is_not_a_registry_says_the_same_everywhere(tmp_path, monkeypatch, what, location):
    monkeypatch.chdir(tmp_path)
    c = c_open(location)
    assert "S3cret" not in c
    assert python(lambda: wir.Registry(location)) == c
    assert cli(location, "ls") == c
    assert cli(location, "claim", "--writes", "f", "--registry", location) == c
    assert list(tmp_path.iterdir()) == [], "nothing was created"


def test_a_relative_registry_from_the_environment_says_the_same_everywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIR_REGISTRY", "rel.db")
    c = c_open(None)
    assert "relative path" in c
    assert python(lambda: wir.Registry()) == c
    assert cli("rel.db", "ls") == c
    assert list(tmp_path.iterdir()) == [], "nothing was created"


def test_a_lease_too_short_to_renew_says_the_same_everywhere(tmp_path):
    path = str(tmp_path / "registry.db")
    raw = RawC(path)
    options = _native.ClaimOpts(version=_native.WIR_CLAIM_OPTS_VERSION, writes=(ctypes.c_char_p * 1)(b"f"), n_writes=1,
                                ttl_ms=10, timeout_ms=-1)
    out = ctypes.c_void_p()
    c = raw.message(raw.lib.wir_claim(ctypes.byref(out), raw.reg, ctypes.byref(options)))
    assert "too short to renew" in c
    assert python(lambda: wir.Registry(path).claim(writes=["f"], ttl=0.01)) == c
    assert cli(path, "claim", "--writes", "f", "--ttl", "10ms") == c
    setting = raw.config_set("ttl_ms", "10")
    assert setting == c
    assert cli(path, "config", "set", "ttl", "10ms") == c


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
