#!/usr/bin/env python3
"""A task board's dispatcher that admits work by write set, hands each claim to the worker it
starts, and fans out with sub-claims.

- Each task on the board names the paths it will write. The dispatcher claims them before it
  starts anything (``ttl=None``: held while an owner lives, no heartbeat). A task whose write
  set is taken by a task in flight stays on the board for the next round.
- For an admitted task it starts a worker process, hands the claim to it (``hand_off``) and
  forgets about it: the dispatcher could exit or restart now, and the claim would still end only
  when the worker does.
- A worker of a "fan-out" task splits its directory among a pool of forked helpers. Each helper
  claims its part *under* the worker's claim (``parent=``), and they queue among themselves for
  the shared index; strangers stay out of the whole directory.

Run it: ``python3 dispatcher.py`` (a temporary registry and workspace), or
``python3 dispatcher.py --registry REG --root DIR``. It prints what happened and exits 0 if every
task ran once and no two writers met.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

from wir import ClaimConflict, Registry

BOARD = [
    ("render-docs", ["site/docs"], "plain"),
    ("index-corpus", ["data/run-7"], "fan-out"),
    ("rebuild-docs", ["site/docs"], "plain"),        # same write set as render-docs: waits its turn
    ("train-adapter", ["models/adapter"], "plain"),
]


def helper(args) -> str:
    """A forked helper of a fan-out worker: its part under the worker's claim, then the index."""
    registry_path, root, parent, part = args
    registry = Registry(registry_path)                # a fork child opens its own handle on first use
    run = os.path.join(root, "data/run-7")
    with registry.claim(writes=[f"{run}/part-{part}"], parent=parent):
        with open(f"{run}/part-{part}", "w") as out:
            out.write(f"part {part}\n")
        with registry.claim(writes=[f"{run}/index.json"], parent=parent, policy="queue", timeout=30):
            with open(f"{run}/index.json", "a") as index:
                index.write(f"part-{part}\n")
    return f"part-{part}"


def worker(registry_path: str, root: str, task: str, kind: str, key: str) -> int:
    """Runs one task under the claim the dispatcher handed over (found by task id and key)."""
    registry = Registry(registry_path)
    claim = registry.attach(task, key)
    if kind == "fan-out":
        os.makedirs(os.path.join(root, "data/run-7"), exist_ok=True)
        jobs = [(registry_path, root, (claim.task_id, claim.key), part) for part in range(8)]
        with multiprocessing.get_context("fork").Pool(4) as pool:
            parts = pool.map(helper, jobs)
        print(f"worker {task}: wrote {len(parts)} parts under its claim", flush=True)
    else:
        for path in claim.paths:
            os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, "out.txt"), "a") as out:
                out.write(f"{task}\n")
        time.sleep(0.3)
        print(f"worker {task}: done", flush=True)
    claim.release()
    return 0


def dispatch(registry_path: str, root: str) -> int:
    registry = Registry(registry_path)
    pending = list(BOARD)
    workers: dict[str, subprocess.Popen] = {}
    told: set[str] = set()
    while pending or workers:
        for entry in list(pending):
            task, writes, kind = entry
            try:
                claim = registry.claim(writes=[os.path.join(root, w) for w in writes], task_id=task, ttl=None)
            except ClaimConflict as taken:
                if task not in told:
                    holder = taken.conflicts[0].holder_task_id
                    print(f"dispatcher: {task} waits: {taken.conflicts[0].held_path} is held by {holder}", flush=True)
                    told.add(task)
                continue
            process = subprocess.Popen([sys.executable, __file__, "--worker", task, kind, claim.key,
                                        "--registry", registry_path, "--root", root])
            claim.hand_off(process.pid)               # the worker owns it now; the dispatcher could go
            print(f"dispatcher: {task} admitted, handed to worker {process.pid}", flush=True)
            workers[task] = process
            pending.remove(entry)
        for task, process in list(workers.items()):
            if process.poll() is not None:
                if process.returncode != 0:
                    print(f"dispatcher: {task} failed ({process.returncode})")
                    return 1
                del workers[task]
        time.sleep(0.1)
    ran = [row["task_id"] for row in registry.history() if row["reason"] == "completed"]
    stray = [row for row in registry.history() if row["reason"] not in ("completed",)]
    docs = open(os.path.join(root, "site/docs/out.txt")).read().split()
    index = open(os.path.join(root, "data/run-7/index.json")).read().split()
    print(f"dispatcher: completed {len(ran)} claims; site/docs written by {docs}; index has {len(index)} parts")
    ok = docs == ["render-docs", "rebuild-docs"] and len(index) == 8 and not stray
    print("dispatcher: every task ran once, no two writers met" if ok else "dispatcher: something went wrong")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry")
    parser.add_argument("--root")
    parser.add_argument("--worker", nargs=3, metavar=("TASK", "KIND", "KEY"))
    options = parser.parse_args()
    if options.worker:
        task, kind, key = options.worker
        return worker(options.registry, options.root, task, kind, key)
    with tempfile.TemporaryDirectory() as scratch:
        registry = options.registry or os.path.join(scratch, "registry.db")
        root = options.root or os.path.join(scratch, "work")
        return dispatch(registry, root)


if __name__ == "__main__":
    sys.exit(main())
