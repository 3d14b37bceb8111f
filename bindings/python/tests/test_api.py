import os
import pickle
import time
import subprocess
import sys

import pytest

import wir


def test_claim_is_released_as_completed_and_holds_a_token(registry, tmp_path):
    target = tmp_path / "state.json"
    with registry.claim(writes=[target], task_id="td-002", ttl=60) as claim:
        assert claim.task_id == "td-002" and claim.token >= 1 and claim.paths == (str(target),)
        assert registry.token_holds(target, claim.token)
        with pytest.raises(wir.ClaimConflict):
            registry.claim(writes=[tmp_path], task_id="other", owner_pid=os.getppid())
    assert not registry.token_holds(target, claim.token)
    assert registry.history()[-1]["reason"] == "completed"


@pytest.mark.parametrize("raised, outcome", [(RuntimeError, "failed"), (KeyboardInterrupt, "cancelled")])
def test_an_exception_in_the_block_sets_the_outcome(registry, tmp_path, raised, outcome):
    with pytest.raises(raised):
        with registry.claim(writes=[tmp_path / "x"], task_id="t"):
            raise raised()
    assert registry.history()[-1]["reason"] == outcome


def test_a_conflict_names_the_holder(registry, tmp_path):
    with registry.claim(writes=[tmp_path / "data" / "cache.db"], task_id="holder"):
        with pytest.raises(wir.ClaimConflict) as refused:
            registry.claim(writes=[tmp_path / "data", tmp_path / "free"], task_id="asker", owner_pid=os.getppid())
    error = refused.value
    assert error.task_id == "asker" and "holder" in str(error)
    [conflict] = error.conflicts
    assert conflict.holder_task_id == "holder" and conflict.pid == os.getpid()
    assert conflict.held_path == str(tmp_path / "data" / "cache.db")
    assert conflict.requested_path == str(tmp_path / "data") and conflict.expires_at is not None
    assert registry.conflict_log()[-1]["outcome"] == "refused"


def test_exceptions_pickle_with_their_fields(registry, tmp_path):
    with registry.claim(writes=[tmp_path / "f"], task_id="holder"):
        with pytest.raises(wir.ClaimTimeout) as timed_out:
            registry.claim(writes=[tmp_path / "f"], task_id="w", policy="queue", timeout=0.05,
                           owner_pid=os.getppid())
    copy = pickle.loads(pickle.dumps(timed_out.value))
    assert isinstance(copy, TimeoutError) and isinstance(copy, wir.ClaimBlocked)
    assert copy.conflicts == timed_out.value.conflicts and copy.status == timed_out.value.status
    invalid = pickle.loads(pickle.dumps(wir.InvalidArgument("bad", -1)))
    assert isinstance(invalid, ValueError) and invalid.status == -1


def test_reads_share_and_globs_overlap(registry, tmp_path):
    with registry.claim(reads=[tmp_path / "shared"], task_id="r1"), \
         registry.claim(reads=[tmp_path / "shared"], task_id="r2", owner_pid=os.getppid()):
        with pytest.raises(wir.ClaimConflict) as refused:
            registry.claim(writes=[tmp_path / "shared" / "x"], task_id="w", owner_pid=os.getppid())
        assert {c.held_access for c in refused.value.conflicts} == {"read"}
    with registry.claim(writes=[str(tmp_path / "src" / "*.py")], task_id="glob"):
        with pytest.raises(wir.ClaimConflict):
            registry.claim(writes=[tmp_path / "src" / "a.py"], task_id="one", owner_pid=os.getppid())
        registry.claim(writes=[tmp_path / "src" / "a.txt"], task_id="two", owner_pid=os.getppid()).release()


def test_growing_and_shrinking(registry, tmp_path):
    with registry.claim(writes=[tmp_path / "a"], task_id="t") as claim:
        first = claim.token
        claim.grow(writes=[tmp_path / "b"])
        assert claim.token > first and set(claim.paths) == {str(tmp_path / "a"), str(tmp_path / "b")}
        with registry.claim(writes=[tmp_path / "c"], task_id="other", owner_pid=os.getppid()):
            with pytest.raises(wir.ClaimConflict):
                claim.grow(writes=[tmp_path / "c"])
        assert len(claim.paths) == 2, "a refused growth changes nothing"
        claim.shrink([tmp_path / "a"])
        assert claim.paths == (str(tmp_path / "b"),)
        registry.claim(writes=[tmp_path / "a"], task_id="taker", owner_pid=os.getppid()).release()


def test_attach_and_release_from_elsewhere(registry, tmp_path):
    claim = registry.claim(writes=[tmp_path / "f"], task_id="script")
    other = wir.Registry(registry.path)
    with pytest.raises(wir.WirError):
        other.attach("script", "wrong")
    other.attach("script", claim.key).release("failed")
    with pytest.raises(wir.ClaimLost):
        claim.release()


def test_warn_callback_and_listings(registry, tmp_path):
    seen = []
    registry.on_warn(lambda conflicts, task: seen.append((task, [c.holder_task_id for c in conflicts])))
    with registry.claim(writes=[tmp_path / "f"], task_id="holder"):
        with registry.claim(writes=[tmp_path], task_id="bold", policy="warn", owner_pid=os.getppid()) as bold:
            assert [c.holder_task_id for c in bold.conflicts] == ["holder"]
            assert seen == [("bold", ["holder"])]
            flight = registry.in_flight()
            assert {c["task_id"] for c in flight["claims"]} == {"holder", "bold"}
            assert {c["task_id"] for c in registry.who(tmp_path / "f")["claims"]} == {"holder", "bold"}
    assert registry.conflict_log()[-1]["outcome"] == "warned"
    assert registry.prune(before=10**10) >= 3
    assert registry.history() == []


def test_config_and_bad_input(registry, tmp_path):
    assert registry.config("policy") == "refuse"
    registry.set_config("ttl_ms", 1234)
    assert registry.config("ttl_ms") == "1234"
    with pytest.raises(wir.InvalidArgument):
        registry.set_config("policy", "sometimes")
    with pytest.raises(wir.InvalidArgument):
        registry.claim(writes=[""])
    with pytest.raises(wir.InvalidArgument):
        registry.claim(writes=[str(tmp_path / "src" / "[oops")])
    with pytest.raises(wir.InvalidArgument):
        registry.claim()
    with pytest.raises(ValueError):
        registry.claim(writes=[tmp_path / "x"], policy="sometimes")
    with pytest.raises(ValueError):
        registry.claim(writes=[tmp_path / "x"], ttl=-1)
    with pytest.raises(TypeError):
        registry.claim(writes=str(tmp_path / "x"))


def test_a_missing_library_lists_every_place_tried(tmp_path, python_env):
    env = dict(python_env, WIR_LIBRARY=str(tmp_path / "nowhere" / "libwir.so"), PKG_CONFIG_PATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", "import wir"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "ImportError" in result.stderr
    assert str(tmp_path / "nowhere" / "libwir.so") in result.stderr and "libwir.so: " in result.stderr


def test_a_timeout_is_not_a_refusal(registry, tmp_path):
    """Handlers for refusals do not catch timeouts; ClaimBlocked catches both (issue #15, item 7)."""
    assert not issubclass(wir.ClaimTimeout, wir.ClaimConflict)
    assert issubclass(wir.ClaimTimeout, wir.ClaimBlocked) and issubclass(wir.ClaimConflict, wir.ClaimBlocked)
    with registry.claim(writes=[tmp_path / "f"], task_id="holder"):
        try:
            registry.claim(writes=[tmp_path / "f"], policy="queue", timeout=0.05, owner_pid=os.getppid())
        except wir.ClaimConflict:
            pytest.fail("a timeout was caught as a refusal")
        except wir.ClaimBlocked as blocked:
            assert isinstance(blocked, wir.ClaimTimeout) and isinstance(blocked, TimeoutError)
            assert blocked.status == -4 and blocked.conflicts[0].holder_task_id == "holder"
        with pytest.raises(wir.ClaimBlocked) as refused:
            registry.claim(writes=[tmp_path / "f"], owner_pid=os.getppid())
        assert type(refused.value) is wir.ClaimConflict and refused.value.status == -3


def test_growing_a_claim_keeps_its_ttl(registry, tmp_path):
    registry.set_config("ttl_ms", "10m")
    with registry.claim(writes=[tmp_path / "a"], task_id="short", ttl=30) as claim:
        claim.grow(writes=[tmp_path / "b"])
        listed = registry.in_flight()["claims"][0]
        assert listed["ttl_ms"] == 30_000 and len(listed["entries"]) == 2
        assert claim.expires_ms - time.time() * 1000 < 31_000


def test_a_nested_block_under_the_same_task_releases_only_what_it_added(registry, tmp_path):
    """The inner block's end must not free the outer block's paths (issue #15, item 7)."""
    outer_path, inner_path = tmp_path / "outer", tmp_path / "inner"
    with registry.claim(writes=[outer_path], task_id="T") as outer:
        first_token = outer.token
        with registry.claim(writes=[inner_path, outer_path], task_id="T") as inner:
            assert set(inner.paths) == {str(outer_path), str(inner_path)}
            assert outer.token == inner.token > first_token, "the outer claim sees the new token"
        held = registry.in_flight()["claims"]
        assert [(c["task_id"], [e["path"] for e in c["entries"]]) for c in held] == [("T", [str(outer_path)])]
        with pytest.raises(wir.ClaimConflict):
            registry.claim(writes=[outer_path], task_id="intruder", owner_pid=os.getppid())
        registry.claim(writes=[inner_path], task_id="next", owner_pid=os.getppid()).release()
        assert outer.check() and registry.token_holds(outer_path, outer.token)
    assert registry.in_flight()["claims"] == []
    assert [row["reason"] for row in registry.history() if row["task_id"] == "T"] == ["completed"]


def test_a_refusal_lists_a_hundred_pairs_and_counts_them_all(registry, tmp_path):
    files = [tmp_path / "big" / f"f{index}" for index in range(500)]
    with registry.claim(writes=files):
        with pytest.raises(wir.ClaimConflict) as refused:
            registry.claim(writes=[tmp_path / "big"])
    assert len(refused.value.conflicts) == 100 and refused.value.total == 500
