#!/usr/bin/env python3
"""Python claim+release through wir beside filelock.FileLock acquire+release.

Measured in the same run, alternating in short rounds, on the same filesystem;
prints medians, p99 and the ratio. (pip install filelock)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from filelock import FileLock

import wir


def measure(action, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def main() -> int:
    rounds, per_round = 30, 100
    directory = tempfile.mkdtemp(prefix="wir-pybench-")
    registry = wir.Registry(os.path.join(directory, "registry.db"))
    target = os.path.join(directory, "state.json")
    lock = FileLock(target + ".lock")

    def wir_once() -> None:
        registry.claim(writes=[target]).release()

    def filelock_once() -> None:
        lock.acquire()
        lock.release()

    results = {"wir claim+release": [], "filelock acquire+release": []}
    for _ in range(rounds):
        results["wir claim+release"] += measure(wir_once, per_round)
        results["filelock acquire+release"] += measure(filelock_once, per_round)
    print(f"Python, {rounds} alternating rounds x {per_round} (µs)")
    print(f"{'case':34}{'median':>10}{'p99':>10}")
    for name, samples in results.items():
        samples.sort()
        print(f"{name:34}{statistics.median(samples):10.2f}{samples[int(len(samples) * 0.99)]:10.2f}")
    ratio = statistics.median(results["wir claim+release"]) / statistics.median(results["filelock acquire+release"])
    print(f"ratio wir / filelock (median): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
