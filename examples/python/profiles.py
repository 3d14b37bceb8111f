#!/usr/bin/env python3
"""The RFC's case: two worker profiles submit tasks whose write sets share a state file.

Profile A starts td-001 (writes .hermes/state.json and its own log). Profile B
submits td-002, which also writes .hermes/state.json: refused, naming td-001.
B submits again under the queue policy and is admitted when A finishes.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time

from wir import ClaimConflict, Registry


def profile_a(registry_path: str, root: str, started) -> None:
    registry = Registry(registry_path)
    with registry.claim(writes=[f"{root}/.hermes/state.json", f"{root}/logs/a.jsonl"], task_id="td-001"):
        print("profile-a: td-001 admitted; working for 0.5 s", flush=True)
        started.set()
        time.sleep(0.5)
    print("profile-a: td-001 completed", flush=True)


def profile_b(registry_path: str, root: str) -> int:
    registry = Registry(registry_path)
    writes = [f"{root}/.hermes/state.json", f"{root}/logs/b.jsonl"]
    try:
        registry.claim(writes=writes, task_id="td-002")
        print("profile-b: td-002 admitted at once (unexpected)")
        return 1
    except ClaimConflict as refused:
        holder = refused.conflicts[0]
        print(f"profile-b: td-002 refused: {holder.held_path} is held by {holder.holder_task_id} "
              f"(pid {holder.pid} on {holder.host})", flush=True)
    begun = time.monotonic()
    with registry.claim(writes=writes, task_id="td-002", policy="queue", timeout=30):
        print(f"profile-b: td-002 admitted after waiting {time.monotonic() - begun:.2f} s in the queue", flush=True)
    return 0


def main() -> int:
    root = tempfile.mkdtemp(prefix="wir-profiles-")
    registry_path = os.path.join(root, "registry.db")
    context = multiprocessing.get_context("fork")
    started = context.Event()
    a = context.Process(target=profile_a, args=(registry_path, root, started))
    a.start()
    started.wait(10)
    status = profile_b(registry_path, root)
    a.join()
    return status or a.exitcode


if __name__ == "__main__":
    sys.exit(main())
