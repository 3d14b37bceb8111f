#!/usr/bin/env python3
"""Python claim+release through wir beside the same calls in C, and beside filelock.FileLock.

Rows, measured in the same run, alternating in short rounds, on the same registry and filesystem:

- ``wir claim+release``: ``registry.claim(writes=[p]).release()``, the binding as users call it;
- ``wir heartbeat=True``: the same with the registry's keeper thread renewing and watching it;
- ``ctypes only``: ``wir_claim`` + ``wir_release`` + ``wir_claim_free`` called through ctypes with
  options built once, no binding code: what ctypes itself costs;
- ``C``: the same three calls in C (claim_release.c, built here with ``cc`` against the library
  being measured), a separate process driven round by round, timing each pair itself;
- ``filelock acquire+release``: the yardstick Python users know.

Prints medians, p99 and the ratios with their targets (issue #16: Python ≤ 1.3× C).
Needs a C compiler (``$CC``, else ``cc``), wir.h (found beside this file in the repository) and
``pip install filelock``.
"""

from __future__ import annotations

import ctypes
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from filelock import FileLock

import wir
from wir import _native

HERE = Path(__file__).resolve().parent
HEADER_DIR = HERE.parents[2] / "Include"
#: Issue #16, target 5: Python claim+release at most this many times the C figure.
PYTHON_OVER_C_TARGET = 1.3


def measure(action, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def build_c(directory: str) -> str:
    """Builds claim_release.c against the library Python loaded; returns the program's path."""
    library = os.path.realpath(_native.lib._name)
    major = re.search(r"#define WIR_VERSION_MAJOR (\d+)", (HEADER_DIR / "wir.h").read_text()).group(1)
    for name in ("libwir.so", f"libwir.so.{major}"):      # the link name and the soname, beside the program
        os.symlink(library, os.path.join(directory, name))
    program = os.path.join(directory, "claim_release")
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-std=c99", "-I", str(HEADER_DIR), str(HERE / "claim_release.c"),
                    "-o", program, "-L", directory, "-lwir", f"-Wl,-rpath,{directory}"], check=True)
    return program


class CProgram:
    """claim_release.c running beside this process: one round per call."""

    def __init__(self, program: str, registry: str, target: str):
        self._process = subprocess.Popen([program, registry, target], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)

    def round(self, count: int) -> list[float]:
        self._process.stdin.write(f"{count}\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("claim_release.c stopped (see its message above)")
        return [float(field) for field in line.split()]

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)


def ctypes_only(registry: wir.Registry, target: str):
    """wir_claim + wir_release + wir_claim_free through ctypes, options built once."""
    lib = _native.lib
    writes = (ctypes.c_char_p * 1)(os.fsencode(target))
    options = _native.ClaimOpts(version=_native.WIR_CLAIM_OPTS_VERSION, writes=writes, n_writes=1, timeout_ms=-1)
    handle, options_ref = registry._handle.use(), ctypes.byref(options)
    pointer = ctypes.c_void_p()
    pointer_ref = ctypes.byref(pointer)
    claim, release, free = lib.wir_claim, lib.wir_release, lib.wir_claim_free

    def once() -> None:
        claim(pointer_ref, handle, options_ref)
        release(handle, pointer, 0)
        free(pointer)
    return once


def verdict(value: float, target: float) -> str:
    return f"target <= {target:.2f}: {'met' if value <= target else 'missed'}"


def main() -> int:
    rounds, per_round = 30, 100
    directory = tempfile.mkdtemp(prefix="wir-pybench-")
    registry_path = os.path.join(directory, "registry.db")
    registry = wir.Registry(registry_path)
    target = os.path.join(directory, "state.json")
    lock = FileLock(target + ".lock")
    c_program = CProgram(build_c(directory), registry_path, target)

    def wir_once() -> None:
        registry.claim(writes=[target]).release()

    def wir_heartbeat_once() -> None:
        registry.claim(writes=[target], heartbeat=True).release()

    def filelock_once() -> None:
        lock.acquire()
        lock.release()

    cases = {
        "wir claim+release": lambda: measure(wir_once, per_round),
        "wir heartbeat=True": lambda: measure(wir_heartbeat_once, per_round),
        "ctypes only (no binding code)": lambda: measure(ctypes_only(registry, target), per_round),
        "C (claim_release.c)": lambda: c_program.round(per_round),
        "filelock acquire+release": lambda: measure(filelock_once, per_round),
    }
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            results[name] += run()
    c_program.close()
    print(f"Python, {rounds} alternating rounds x {per_round} (µs)")
    print(f"{'case':34}{'median':>10}{'p99':>10}")
    medians = {}
    for name, samples in results.items():
        samples.sort()
        medians[name] = statistics.median(samples)
        print(f"{name:34}{medians[name]:10.2f}{samples[int(len(samples) * 0.99)]:10.2f}")
    c = medians["C (claim_release.c)"]
    python_over_c = medians["wir claim+release"] / c
    heartbeat_over_c = medians["wir heartbeat=True"] / c
    print(f"ratio Python / C (median): {python_over_c:.2f}  ({verdict(python_over_c, PYTHON_OVER_C_TARGET)})")
    print(f"ratio Python heartbeat=True / C (median): {heartbeat_over_c:.2f}  "
          f"({verdict(heartbeat_over_c, PYTHON_OVER_C_TARGET)})")
    print(f"ratio ctypes only / C (median): {medians['ctypes only (no binding code)'] / c:.2f}")
    print(f"ratio wir / filelock (median): {medians['wir claim+release'] / medians['filelock acquire+release']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
