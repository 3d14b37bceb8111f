#!/usr/bin/env python3
"""hermes #12684: several workers append large JSON trajectory records to one JSONL file.

Each worker streams every record with json.dump() into a file opened for
append, as agent frameworks do. Python's buffered writer flushes a large record
in several write() calls, so records from different processes can interleave
and corrupt lines. With wir, each append is claimed first (queue policy), and
the run reports zero bad lines.

    python3 trajectories.py --workers 4 --records 40            # with wir
    python3 trajectories.py --workers 4 --records 40 --no-wir   # plain appends
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile


def record(worker: int, seq: int, size: int) -> dict:
    steps = [{"role": "assistant" if i % 2 else "user", "content": f"w{worker}-s{seq}-step{i} " + "x" * 200}
             for i in range(max(1, size // 230))]
    body = json.dumps(steps, sort_keys=True)
    return {"worker": worker, "seq": seq, "steps": steps, "sha": hashlib.sha256(body.encode()).hexdigest()}


def work(worker: int, path: str, records: int, size: int, registry_path: str | None) -> None:
    registry = None
    if registry_path:
        from wir import Registry
        registry = Registry(registry_path)
    for seq in range(records):
        item = record(worker, seq, size)
        claim = registry.claim(writes=[path], task_id=f"traj-{worker}-{seq}", policy="queue",
                               timeout=60) if registry else None
        try:
            with open(path, "a", encoding="utf-8") as out:
                json.dump(item, out)           # streamed in pieces by the buffered writer
                out.write("\n")
        finally:
            if claim:
                claim.release()


def check(path: str, workers: int, records: int) -> tuple[int, int, int]:
    """Returns (lines, bad, missing): a bad line does not parse, or its content does
    not match its checksum; a missing record appears on no good line."""
    lines = bad = 0
    seen = set()
    with open(path, encoding="utf-8", errors="replace") as lines_in:
        for line in lines_in:
            lines += 1
            try:
                item = json.loads(line)
                body = json.dumps(item["steps"], sort_keys=True)
                if hashlib.sha256(body.encode()).hexdigest() != item["sha"]:
                    raise ValueError("checksum")
                seen.add((item["worker"], item["seq"]))
            except (ValueError, KeyError, TypeError):
                bad += 1
    return lines, bad, workers * records - len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument("--size", type=int, default=64 * 1024, help="bytes per record, roughly")
    parser.add_argument("--no-wir", action="store_true", help="plain appends, no claims")
    parser.add_argument("--dir", default=None, help="where the JSONL file and registry go")
    args = parser.parse_args()
    directory = args.dir or tempfile.mkdtemp(prefix="wir-trajectories-")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "trajectories.jsonl")
    if os.path.exists(path):
        os.unlink(path)
    registry_path = None if args.no_wir else os.path.join(directory, "registry.db")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=work, args=(w, path, args.records, args.size, registry_path))
               for w in range(args.workers)]
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    failed = [p.exitcode for p in workers if p.exitcode != 0]
    lines, bad, missing = check(path, args.workers, args.records)
    mode = "no-wir" if args.no_wir else "wir"
    print(f"mode={mode} workers={args.workers} records={args.workers * args.records} lines={lines} "
          f"bad={bad} missing={missing}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
