"""heartbeat=True: one keeper thread per registry handle, however many claims it keeps; the leases
are renewed before they lapse; a claim lost meanwhile is reported on its own; a forked child keeps
none of its parent's keeper state. Real claims on a real registry file."""
import os
import threading
import time

import wir


def keeper_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "wir-keeper" and thread.is_alive()]


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_many_heartbeat_claims_share_one_keeper_thread(registry, tmp_path):
    claims = [registry.claim(writes=[tmp_path / f"f{i}"], heartbeat=True) for i in range(40)]
    assert len(keeper_threads()) == 1
    for claim in claims:
        claim.release()
    assert wait_for(lambda: not keeper_threads()), "the keeper thread ends once it keeps no claim"


def test_the_keeper_renews_every_lease_before_it_lapses(registry, tmp_path):
    claims = [registry.claim(writes=[tmp_path / f"f{i}"], ttl=1, heartbeat=True) for i in range(10)]
    first = {claim.task_id: claim.expires_ms for claim in claims}
    time.sleep(2.5)                                   # two and a half TTLs
    registry.reap()                                   # a lapsed lease would be reaped here
    held = {row["task_id"] for row in registry.in_flight()["claims"]}
    assert held == set(first), "every claim still holds"
    assert all(claim.expires_ms > first[claim.task_id] for claim in claims), "each lease was renewed"
    assert not any(claim.lost for claim in claims)
    assert len(keeper_threads()) == 1
    for claim in claims:
        claim.release()


def test_a_forced_release_is_reported_for_that_claim_alone(registry, tmp_path):
    lost: list[str] = []
    claims = [registry.claim(writes=[tmp_path / f"f{i}"], task_id=f"t{i}", heartbeat=True,
                             on_lost=lambda claim: lost.append(claim.task_id)) for i in range(8)]
    registry.force_release("t3")
    assert wait_for(lambda: lost == ["t3"]), lost
    time.sleep(0.6)                                   # two more passes: no other claim is reported
    assert lost == ["t3"] and [claim.task_id for claim in claims if claim.lost] == ["t3"]
    assert len(keeper_threads()) == 1
    for claim in claims:
        if not claim.lost:
            claim.release()


def test_a_child_forked_while_the_keeper_holds_its_lock_keeps_claims_of_its_own(registry, tmp_path):
    # The keeper thread may hold its lock at the moment another thread forks; that thread does not
    # exist in the child, so the child must not wait for the lock the parent's copy left held.
    parent_claim = registry.claim(writes=[tmp_path / "parent"], heartbeat=True)
    keeper = registry._handle.keeper
    with keeper._lock:
        pid = os.fork()
        if pid == 0:                                  # the child: a heartbeat claim of its own
            status = 1
            try:
                child_claim = registry.claim(writes=[tmp_path / "child"], ttl=1, heartbeat=True)
                time.sleep(1.5)
                registry.reap()
                holds = child_claim.check() and len(keeper_threads()) == 1
                child_claim.release()
                status = 0 if holds else 3
            finally:
                os._exit(status)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError("the child hung on the keeper lock it inherited")
    assert os.waitstatus_to_exitcode(status) == 0
    assert parent_claim.check() and not parent_claim.lost
    parent_claim.release()


def test_released_task_ids_are_forgotten(registry, tmp_path):
    from wir._claim import held_claims
    before = len(held_claims._held)
    for i in range(50):
        registry.claim(writes=[tmp_path / "f"]).release()
    with registry.claim(writes=[tmp_path / "g"], task_id="nested") as outer:
        with registry.claim(writes=[tmp_path / "h"], task_id="nested"):
            pass
        assert outer.paths == (str(tmp_path / "g"),)
    assert len(held_claims._held) == before
