import asyncio
import os
import threading

import pytest

import wir


def test_aclaim_waits_without_blocking_the_loop(registry, tmp_path):
    holder = registry.claim(writes=[tmp_path / "f"], task_id="holder")

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        asyncio.get_running_loop().call_later(0.3, holder.release)
        async with registry.aclaim(writes=[tmp_path / "f"], policy="queue", timeout=10) as claim:
            admitted_ticks = ticks
            assert claim.token > holder.token
        ticking.cancel()
        return admitted_ticks

    assert asyncio.run(main()) >= 10, "the loop kept running while the claim waited"
    assert registry.history()[-1]["reason"] == "completed"


def test_cancelling_the_task_cancels_the_wait(registry, tmp_path):
    holder = registry.claim(writes=[tmp_path / "f"], task_id="holder")

    async def main():
        waiting = asyncio.create_task(registry.aclaim(writes=[tmp_path / "f"], task_id="patient",
                                                      policy="queue").__aenter__())
        for _ in range(200):
            await asyncio.sleep(0.01)
            if registry.in_flight()["waiters"]:
                break
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(main())
    for _ in range(200):                      # the worker thread leaves the queue
        if not registry.in_flight()["waiters"]:
            break
        threading.Event().wait(0.01)
    assert registry.in_flight()["waiters"] == []
    assert [row["outcome"] for row in registry.conflict_log() if row["task_id"] == "patient"] == ["cancelled"]
    holder.release()


def test_a_heartbeat_keeps_a_short_lease_and_reports_loss(registry, tmp_path):
    # Leaving the block normally after the claim was lost raises ClaimLost: the
    # work finished without the claim, and the caller must hear of it.
    with pytest.raises(wir.ClaimLost), \
         registry.claim(writes=[tmp_path / "f"], task_id="beating", ttl=1, heartbeat=True) as claim:
        threading.Event().wait(2.5)                          # the shortest lease, kept past two of its ends
        with pytest.raises(wir.ClaimConflict):
            registry.claim(writes=[tmp_path / "f"], task_id="other", owner_pid=os.getppid())
        assert not claim.lost
        # Someone with the key ends it; the next heartbeat finds it gone.
        wir.Registry(registry.path).attach("beating", claim.key).release("cancelled")
        for _ in range(100):
            if claim.lost:
                break
            threading.Event().wait(0.02)
        assert claim.lost
