"""The wheel is a manylinux wheel: installed in a fresh virtualenv, it works with the Swift runtime
and the system's SQLite hidden."""
import glob
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import header_version

ROOT = Path(__file__).resolve().parents[3]
SWIFT_RUNTIME = "/opt/swift/usr/lib/swift/linux"


def system_sqlite() -> str | None:
    """The system's libsqlite3.so.0, as the dynamic loader finds it."""
    found = re.search(r"libsqlite3\.so\.0 \(.*x86-64\) => (\S+)", subprocess.run(
        ["ldconfig", "-p"], capture_output=True, text=True).stdout)
    return found.group(1) if found else None


def test_the_wheel_runs_without_the_swift_toolchain(tmp_path):
    subprocess.run(["make", "-C", str(ROOT), "--no-print-directory", "wheel"], check=True,
                   capture_output=True, text=True)
    [wheel] = glob.glob(str(ROOT / "bindings" / "python" / "dist" / "*.whl"))
    assert re.search(r"-py3-none-manylinux_2_\d+_x86_64\.whl$", wheel), wheel
    shown = subprocess.run([sys.executable, "-m", "auditwheel", "show", wheel], capture_output=True, text=True)
    assert shown.returncode == 0 and re.search(r'consistent with the\s+following platform tag:\s+"manylinux_2_\d+_x86_64"',
                                               shown.stdout), shown.stdout
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    # A clean environment: no PYTHONPATH pointing at the checkout, no WIR_LIBRARY.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check", wheel],
                   check=True, env=env)
    script = (
        "import wir, tempfile, os\n"
        "d = tempfile.mkdtemp()\n"
        "reg = wir.Registry(os.path.join(d, 'r.db'))\n"
        "with reg.claim(writes=[os.path.join(d, 'f')]) as c:\n"
        "    print('claimed', c.token, wir.library_version(), wir.__version__)\n"
    )
    command = [str(python), "-c", script]
    # Hidden: the Swift runtime, and the system's SQLite (the wheel bundles its own).
    hide = []
    if Path(SWIFT_RUNTIME).is_dir():
        empty = tmp_path / "empty"
        empty.mkdir()
        hide.append(f'mount --bind "{empty}" {SWIFT_RUNTIME}')
    if system_sqlite():
        hide.append(f"mount --bind /dev/null {system_sqlite()}")
    if hide:
        if shutil.which("unshare") is None:
            pytest.skip("unshare is missing: cannot hide the Swift runtime and SQLite")
        command = ["unshare", "--mount", "sh", "-c", " && ".join(hide) + ' && exec "$@"', "sh"] + command
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    version = header_version()
    assert result.stdout.startswith(f"claimed 1 {version} {version}")
    # The MCP server's command is installed; without its optional extra it says what to install.
    mcp = subprocess.run([str(tmp_path / "venv" / "bin" / "wir-mcp")], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert mcp.returncode == 1 and "pip install 'wir[mcp]'" in mcp.stderr, mcp.stderr
    # The web view's command is installed with its page (package data): it writes a report.
    subprocess.run([str(python), "-c", f"import wir; wir.Registry({str(tmp_path / 'r.db')!r})"], env=env, check=True)
    report = subprocess.run([str(tmp_path / "venv" / "bin" / "wir-ui"), "--registry", str(tmp_path / "r.db"),
                             "--report", str(tmp_path / "report.html")], env=env, capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    assert 'id="wir-data"' in (tmp_path / "report.html").read_text()


def test_a_source_install_finds_an_installed_library_through_pkg_config(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["make", "-C", str(ROOT), "--no-print-directory", "install", f"PREFIX={prefix}"], check=True,
                   capture_output=True)
    # The build needs setuptools and wheel, which this offline venv borrows from the host.
    venv.create(tmp_path / "venv", with_pip=True, system_site_packages=True)
    python = tmp_path / "venv" / "bin" / "python"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                    "--disable-pip-version-check", str(ROOT / "bindings" / "python")], check=True, env=env)
    script = ("import wir, tempfile; "
              "print(wir.library_version(), wir.__version__, wir.Registry(tempfile.mkdtemp() + '/r.db').path)")
    result = subprocess.run([python, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env=dict(env, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig")))
    assert result.returncode == 0, result.stderr
    version = header_version()
    assert result.stdout.startswith(f"{version} {version} ")
