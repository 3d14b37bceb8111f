"""The Python helpers: writes_to around functions and blocks, check without claiming, the
`wir` logger, and paths starting with `~`."""
import asyncio
import logging
import os
import threading

import pytest

import wir


def test_writes_to_claims_around_each_call_of_a_plain_function(registry, tmp_path):
    state = tmp_path / "state.json"
    seen = []

    @registry.writes_to([state], label="saver")
    def save(value):
        [claim] = registry.in_flight()["claims"]
        seen.append((value, claim["label"], [e["path"] for e in claim["entries"]]))
        return value * 2

    assert save(1) == 2 and save(2) == 4
    assert seen == [(1, "saver", [str(state)]), (2, "saver", [str(state)])]
    assert registry.in_flight()["claims"] == []
    assert [row["reason"] for row in registry.history()] == ["completed", "completed"]
    assert save.__name__ == "save"


def test_writes_to_refuses_a_call_while_another_task_holds_the_path(registry, tmp_path):
    @registry.writes_to([tmp_path / "shared"])
    def work():
        raise AssertionError("must not run")

    with registry.claim(writes=[tmp_path / "shared" / "file"], task_id="holder"):
        with pytest.raises(wir.ClaimConflict) as refused:
            work()
    assert refused.value.conflicts[0].holder_task_id == "holder"


def test_writes_to_an_async_function_waits_without_blocking_the_loop(registry, tmp_path):
    path = tmp_path / "out.jsonl"
    holder = registry.claim(writes=[path], task_id="holder")
    ticks = []

    @registry.writes_to([path], policy="queue", timeout=30)
    async def append():
        return [c["task_id"] for c in registry.in_flight()["claims"]]

    async def scenario():
        async def release_soon():
            for _ in range(5):
                ticks.append(1)
                await asyncio.sleep(0.02)
            holder.release()
        task = asyncio.create_task(append())
        await release_soon()
        return await task

    holders = asyncio.run(scenario())
    assert len(holders) == 1 and holders[0] != "holder" and len(ticks) == 5
    assert [row["outcome"] for row in registry.conflict_log()] == ["admitted"]


def test_writes_to_as_a_context_manager_and_an_empty_set_claims_nothing(registry, tmp_path):
    with registry.writes_to([tmp_path / "a"], reads=[tmp_path / "b"]) as claim:
        assert claim.paths == (str(tmp_path / "a"), str(tmp_path / "b"))
    with pytest.raises(RuntimeError), registry.writes_to([tmp_path / "a"]):
        raise RuntimeError("boom")
    assert [row["reason"] for row in registry.history()] == ["completed", "failed"]

    @registry.writes_to([])
    def nothing_to_write():
        return registry.in_flight()["claims"]

    async def async_nothing():
        async with registry.writes_to([]) as claim:
            return claim

    assert nothing_to_write() == []
    with registry.writes_to(()) as claim:
        assert claim is None
    assert asyncio.run(async_nothing()) is None
    assert len(registry.history()) == 2


def test_check_reports_conflicts_without_claiming_or_logging(registry, tmp_path):
    with registry.claim(writes=[tmp_path / "src" / "a.py"], task_id="holder", ttl=None):
        [conflict] = registry.check(writes=[tmp_path / "src"])
        assert (conflict.holder_task_id, conflict.held_path) == ("holder", str(tmp_path / "src" / "a.py"))
        assert conflict.holder_while_alive and conflict.pid == os.getpid()
        assert registry.check(writes=[tmp_path / "docs"]) == ()
        assert registry.check(reads=[tmp_path / "src"], task_id="holder") == (), "its own task meets nothing"
        assert registry.check() == ()
        assert [c["task_id"] for c in registry.in_flight()["claims"]] == ["holder"]
    assert registry.conflict_log() == []
    with pytest.raises(wir.InvalidArgument):
        registry.check(writes=[""])


def test_the_wir_logger_reports_each_step_at_its_level(registry, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="wir")
    path = tmp_path / "f"
    holder = registry.claim(writes=[path], task_id="holder")
    with pytest.raises(wir.ClaimConflict):
        registry.claim(writes=[path], task_id="refused")
    release = threading.Timer(0.3, holder.release)
    release.start()
    with registry.claim(writes=[path], task_id="patient", policy="queue", timeout=30):
        pass
    lost = registry.claim(writes=[tmp_path / "g"], task_id="doomed", ttl=1, heartbeat=True)
    wir.Registry(registry.path).attach("doomed", lost.key).release("cancelled")
    for _ in range(200):
        if lost.lost:
            break
        threading.Event().wait(0.05)
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "wir"]

    def find(level, *words):
        return [m for lvl, m in records if lvl == level and all(w in m for w in words)]

    assert find("DEBUG", "'holder' admitted")
    assert find("WARNING", "'refused' refused", "held by task 'holder'")
    assert find("INFO", "patient queued", "held by task 'holder'"), records
    assert find("DEBUG", "'patient' admitted") and find("DEBUG", "'patient' released (completed)")
    assert find("ERROR", "'doomed' lost its claim")


def test_a_path_starting_with_a_tilde_is_refused_not_taken_as_a_directory(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(wir.InvalidArgument, match="starts with '~', which wir does not expand"):
        registry.claim(writes=["~/.hermes/state.json"])
    assert not (tmp_path / "~").exists() and registry.in_flight()["claims"] == []
    with registry.claim(writes=[os.path.expanduser("~/.hermes/state.json"), "./~backup"]) as claim:
        assert claim.paths == tuple(sorted([os.path.expanduser("~/.hermes/state.json"), str(tmp_path / "~backup")]))


def test_the_wir_logger_escapes_what_a_shared_registry_holds(registry, tmp_path, caplog):
    """Log lines may reach a terminal: names from the registry are shown as repr() shows them."""
    import sqlite3
    caplog.set_level(logging.DEBUG, logger="wir")
    path = tmp_path / "f"
    holder = registry.claim(writes=[path], task_id="holder")
    connection = sqlite3.connect(registry.path)
    for table in ("claims", "claim_entries"):
        connection.execute(f"UPDATE {table} SET task_id = 'evil\x1b[2J\nFAKE\u202e'")
    connection.execute("UPDATE claims SET host = 'h\x1b]0;x\x07', owners = ''")
    connection.commit()
    connection.close()
    with pytest.raises(wir.ClaimConflict):
        registry.claim(writes=[path], task_id="refused")
    messages = [r.getMessage() for r in caplog.records if r.name == "wir"]
    assert any("refused" in m for m in messages), messages
    for message in messages:
        assert "\x1b" not in message and "\n" not in message and "\u202e" not in message, message
