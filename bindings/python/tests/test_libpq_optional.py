"""libpq is loaded for PostgreSQL registries only: without it, SQLite registries work and a
postgresql:// URL gives WIR_ENOTSUP saying what is missing."""
import os
import shutil
import subprocess
import sys

import pytest

SCRIPT = """
import os, sys, wir
folder = sys.argv[1]
registry = wir.Registry(os.path.join(folder, "r.db"))
with registry.claim(writes=[os.path.join(folder, "f")]) as claim:
    print("claimed", claim.token)
try:
    wir.Registry("postgresql://127.0.0.1:1/x")
except wir.WirError as error:
    print("refused", error.status, error.message)
"""


def installed_libpq():
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        if line.strip().startswith("libpq.so.5 "):
            return os.path.realpath(line.split("=>")[-1].strip())
    return None


def test_without_libpq_sqlite_works_and_a_url_is_unsupported(tmp_path):
    command = [sys.executable, "-c", SCRIPT, str(tmp_path)]
    libpq = installed_libpq()
    if libpq is not None:               # hide it: an empty file over the library, in a mount namespace of our own
        if shutil.which("unshare") is None:
            pytest.skip("unshare is missing: cannot hide libpq")
        command = ["unshare", "--mount", "sh", "-c", f'mount --bind /dev/null "{libpq}" && exec "$@"', "sh"] + command
    result = subprocess.run(command, capture_output=True, text=True)
    if libpq is not None and "mount" in result.stderr and result.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("claimed ")
    assert lines[1].startswith("refused -16 ")
    assert "libpq" in lines[1]
