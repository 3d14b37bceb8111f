import os
from pathlib import Path

import pytest

import wir

ROOT = Path(__file__).resolve().parents[3]


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
