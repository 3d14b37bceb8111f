"""Registry.run(..., confine=True): a subprocess under a claim and under a real Landlock ruleset from
this kernel (wir_confine in the child, before exec). The unsupported kernel is the same code with its
ABI lowered by WIR_LANDLOCK_ABI."""
import json
import logging
import os
import sys

import pytest

import wir

from conftest import ROOT


def probe(*operations):
    """The command line of Tests/confine-probe.py: one line per operation, "op path: ok" or the errno's name."""
    return [sys.executable, str(ROOT / "Tests" / "confine-probe.py")] + [part for operation in operations
                                                                          for part in operation]


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "D").mkdir()
    (tmp_path / "D" / "state.json").write_text("orig")
    (tmp_path / "outside.txt").write_text("orig")
    return tmp_path


def test_a_confined_run_writes_within_its_claim_and_nowhere_else(registry, tree):
    operations = [("append", "outside.txt"), ("create", "new.txt"), ("replace", "D/state.json"), ("mkdir", "D/sub"),
                  ("create", "D/sub/f")]
    done = registry.run(probe(*operations), writes=[tree / "D"], confine=True, cwd=tree, capture_output=True,
                        text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["append outside.txt: EACCES", "create new.txt: EACCES",
                                        "replace D/state.json: ok", "mkdir D/sub: ok", "create D/sub/f: ok"]
    assert (tree / "outside.txt").read_text() == "orig" and not (tree / "new.txt").exists()
    assert (tree / "D" / "state.json").read_text() == "replaced"
    assert registry.history()[-1]["reason"] == "completed"


def test_the_command_gets_a_private_tmpdir_removed_afterwards(registry, tree):
    script = "import os; open(os.environ['TMPDIR'] + '/x', 'w').write('x'); print(os.environ['TMPDIR'])"
    done = registry.run([sys.executable, "-c", script], writes=[tree / "D"], confine=True, capture_output=True,
                        text=True)
    assert done.returncode == 0, done.stderr
    temp = done.stdout.strip()
    assert "wir-run-" in temp and not os.path.exists(temp)


def test_the_registry_stays_usable_inside_and_lists_what_it_may_write(registry, tree, python_env):
    (tree / "cache").mkdir()
    script = """
import json, os, wir
reg = wir.Registry()
with reg.claim(writes=[os.environ["TARGET"]], parent=(os.environ["WIR_TASK_ID"], os.environ["WIR_KEY"])):
    print(json.dumps(reg.in_flight()["claims"]))
open(os.environ["CACHE"] + "/x", "w").write("x")
"""
    env = dict(python_env, TARGET=str(tree / "D" / "sub"), CACHE=str(tree / "cache"))
    done = registry.run([sys.executable, "-c", script], writes=[tree / "D"], confine=True,
                        allow_writes=[tree / "cache"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    claims = {claim["task_id"]: claim for claim in json.loads(done.stdout)}
    outer = next(claim for claim in claims.values() if not claim["parent_task_id"])
    assert str(tree / "cache") in outer["allow_writes"] and len(outer["allow_writes"]) == 2
    assert any(claim["parent_task_id"] == outer["task_id"] for claim in claims.values()), "a sub-claim from inside"
    assert (tree / "cache" / "x").read_text() == "x"


def test_without_landlock_a_strict_run_runs_nothing(registry, tree, monkeypatch, caplog):
    monkeypatch.setenv("WIR_LANDLOCK_ABI", "0")
    assert wir.landlock_abi() == 0
    with pytest.raises(wir.NotSupported, match="no Landlock"):
        registry.run(["touch", str(tree / "ran")], writes=[tree / "D"], confine=True)
    assert not (tree / "ran").exists()
    assert registry.in_flight()["claims"] == []
    with caplog.at_level(logging.WARNING, logger="wir"):
        done = registry.run(probe(("append", "outside.txt")), writes=[tree / "D"], confine="best-effort",
                            cwd=tree, capture_output=True, text=True)
    assert done.stdout == "append outside.txt: ok\n", "unconfined, as the warning says"
    assert "nothing can be confined" in caplog.text


def test_the_abi_can_be_lowered_but_not_raised(monkeypatch):
    real = wir.landlock_abi()
    assert real >= 3
    monkeypatch.setenv("WIR_LANDLOCK_ABI", "2")
    assert wir.landlock_abi() == 2
    monkeypatch.setenv("WIR_LANDLOCK_ABI", "99")
    assert wir.landlock_abi() == real
    monkeypatch.setenv("WIR_LANDLOCK_ABI", "x")
    with pytest.raises(wir.InvalidArgument, match="WIR_LANDLOCK_ABI"):
        wir.landlock_abi()


def test_bad_confine_arguments_are_refused_before_claiming(registry, tree):
    with pytest.raises(ValueError, match="allow_writes needs confine"):
        registry.run(["true"], writes=[tree / "D"], allow_writes=[tree])
    with pytest.raises(ValueError, match="confine must be"):
        registry.run(["true"], writes=[tree / "D"], confine="always")
    with pytest.raises(wir.InvalidArgument, match="nowhere"):
        registry.run(["true"], writes=[tree / "nowhere" / "deep"], confine=True)
    assert registry.in_flight()["claims"] == []
