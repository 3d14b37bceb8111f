import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest

import wir


def test_threads_share_a_registry_without_overlapping_holders(registry, tmp_path):
    leaves = [tmp_path / "tree" / "a", tmp_path / "tree" / "b"]
    choices = [tmp_path / "tree"] + leaves
    holders = {leaf: 0 for leaf in leaves}
    lock = threading.Lock()
    violations, admitted, refused = [], [0], [0]

    def worker(index: int) -> None:
        for round in range(60):
            target = choices[(index + round) % 3]
            covered = leaves if target == tmp_path / "tree" else [target]
            try:
                claim = registry.claim(writes=[target], task_id=f"thread-{index}-{round}")
            except wir.ClaimConflict:
                with lock:
                    refused[0] += 1
                continue
            with lock:
                admitted[0] += 1
                for leaf in covered:
                    holders[leaf] += 1
                    if holders[leaf] > 1:
                        violations.append(leaf)
            with lock:
                for leaf in covered:
                    holders[leaf] -= 1
            claim.release()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert violations == [] and admitted[0] + refused[0] == 360 and admitted[0] > 0


def test_queued_threads_take_turns(registry, tmp_path):
    inside, order, overlaps = [0], [], []
    lock = threading.Lock()

    def worker(index: int) -> None:
        with registry.claim(writes=[tmp_path / "log.jsonl"], task_id=f"w{index}", policy="queue", timeout=30):
            with lock:
                inside[0] += 1
                if inside[0] > 1:
                    overlaps.append(index)
                order.append(index)
            threading.Event().wait(0.01)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(order) == list(range(5)) and overlaps == []


def _claim_in_child(registry, path, other, queue):
    try:
        try:
            registry.claim(writes=[path], task_id="child")
            queue.put("admitted over the parent")
        except wir.ClaimConflict as refused:
            with registry.claim(writes=[other], task_id="child"):
                queue.put("refused, then admitted: " + refused.conflicts[0].holder_task_id)
    except Exception as error:       # anything else is the test's failure, reported to the parent
        queue.put(repr(error))


def test_a_forked_child_of_a_process_with_a_registry_open_uses_its_own(registry, tmp_path):
    # Before a fork wir closes its SQLite connections (pthread_atfork), so the child inherits no
    # lock bookkeeping: the same Registry object opens a handle of its own there and is exact.
    target, other = str(tmp_path / "state.json"), str(tmp_path / "other.json")
    with registry.claim(writes=[target], task_id="parent"):
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_claim_in_child, args=(registry, target, other, queue))
        child.start()
        result = queue.get(timeout=30)
        child.join(30)
        assert registry.who(target)["claims"][0]["task_id"] == "parent", "the parent still holds"
    assert result == "refused, then admitted: parent" and child.exitcode == 0, result
    assert [row["task_id"] for row in registry.history()] == ["child", "parent"]


FORK_FIRST = """
import multiprocessing, sys, wir
def child(path, target):
    with wir.Registry(path).claim(writes=[target], task_id="child"):
        pass
if __name__ == "__main__":
    process = multiprocessing.get_context("fork").Process(target=child, args=(sys.argv[1], sys.argv[2]))
    process.start(); process.join()
    sys.exit(process.exitcode)
"""


def test_a_child_forked_before_any_registry_is_open_may_open_one(tmp_path, python_env):
    # A fresh interpreter that opens nothing before forking: the child starts clean.
    script = tmp_path / "fork_first.py"
    script.write_text(FORK_FIRST)
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "fresh.db"), str(tmp_path / "f")],
                            env=python_env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _spawned_claim(args):
    registry, path = args
    registry.claim(writes=[path], task_id="spawned")


def test_spawned_workers_get_the_registry_by_path_and_errors_cross_back(registry, tmp_path):
    target = str(tmp_path / "state.json")
    with registry.claim(writes=[target], task_id="parent"):
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            with pytest.raises(wir.ClaimConflict) as refused:
                pool.map(_spawned_claim, [(registry, target)])
    assert refused.value.conflicts[0].holder_task_id == "parent"


def test_a_child_forked_while_another_thread_uses_the_handle_claims_on_its_own(registry, tmp_path):
    # Another thread may hold the handle's lock at the moment of a fork; that thread does not exist
    # in the child, so the child must not wait for the lock its copy of the handle left held.
    with registry._handle._lock:
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                with registry.claim(writes=[tmp_path / "child"]):
                    status = 0
            finally:
                os._exit(status)
    deadline = time.monotonic() + 30
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the child hung on the handle lock it inherited")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(done[1]) == 0
