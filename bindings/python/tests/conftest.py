import os
import re
from pathlib import Path

import pytest

import wir

ROOT = Path(__file__).resolve().parents[3]


def header_defines() -> dict[str, int]:
    """Every integer WIR_* macro of Include/wir.h."""
    text = (ROOT / "Include" / "wir.h").read_text()
    return {name: int(value) for name, value in re.findall(r"^#define (WIR_\w+)\s+(-?\d+)(?:LL)?\b", text, re.M)}


def header_version() -> str:
    defines = header_defines()
    return "{}.{}.{}".format(defines["WIR_VERSION_MAJOR"], defines["WIR_VERSION_MINOR"], defines["WIR_VERSION_PATCH"])


@pytest.fixture
def registry(tmp_path):
    reg = wir.Registry(tmp_path / "registry.db")
    yield reg
    reg.close()


@pytest.fixture
def python_env():
    """The environment a child Python needs to import this checkout's wir."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python" / "src")
    return env


@pytest.fixture(scope="session")
def installed_wir(tmp_path_factory):
    """The `wir` command as `make install` installs it (into a temporary prefix)."""
    import subprocess
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(["make", "-C", str(ROOT), "--no-print-directory", "install", f"PREFIX={prefix}"], check=True,
                   capture_output=True)
    return str(prefix / "bin" / "wir")
