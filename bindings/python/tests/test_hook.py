"""`wir hook claude-code`, as Claude Code runs it: the installed `wir`, started through `sh -c` by a
long-lived agent process, fed recorded hook inputs (tests/hooks/claude-code)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wir

RECORDED = Path(__file__).with_name("hooks") / "claude-code"

# The agent: a long-lived process that runs each hook through `sh -c`, as Claude Code does, and
# reports the hook's stdout and exit status. One JSON line in (the hook input), one out.
AGENT = r"""
import json, subprocess, sys
for line in sys.stdin:
    result = subprocess.run(["sh", "-c", sys.argv[1]], input=line, capture_output=True, text=True)
    print(json.dumps({"stdout": result.stdout, "stderr": result.stderr, "status": result.returncode}), flush=True)
"""


class Agent:
    """A coding-agent session: its process, its session id, its working directory."""

    def __init__(self, wir_command, session, cwd, env, ttl="30m"):
        self.session, self.cwd = session, cwd
        command = f"'{wir_command}' hook claude-code --ttl {ttl}"
        self.process = subprocess.Popen([sys.executable, "-c", AGENT, command], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)

    def send(self, recorded, **changes):
        text = (RECORDED / f"{recorded}.json").read_text()
        text = text.replace("@SESSION@", self.session).replace("@CWD@", str(self.cwd)).replace("@HOME@", "/home/dev")
        event = json.loads(text)
        event.update(changes)
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def env(tmp_path):
    return dict(os.environ, WIR_REGISTRY=str(tmp_path / "registry.db"), XDG_STATE_HOME=str(tmp_path / "state"),
                HOME=str(tmp_path))


@pytest.fixture
def agents(installed_wir, env, tmp_path):
    started = []

    def start(session, ttl="30m"):
        agent = Agent(installed_wir, session, tmp_path, env, ttl)
        started.append(agent)
        return agent
    yield start
    for agent in started:
        if agent.process.poll() is None:
            agent.process.kill()
        agent.process.wait()


def claims(env):
    return {c["task_id"]: c for c in wir.Registry(env["WIR_REGISTRY"]).in_flight()["claims"]}


def test_each_recorded_event_and_tool(agents, env, tmp_path):
    agent = agents("6f1e1c6e-3c1a-4a57-9b1e-4f3c2d1a0b9e")
    task = "claude-code-" + agent.session
    answer = agent.send("pre-tool-use-write")
    assert answer == {"stdout": "", "stderr": "", "status": 0}, "admitted: the tool runs"
    held = claims(env)[task]
    assert [e["path"] for e in held["entries"]] == [str(tmp_path / "src" / "state.json")]
    assert held["owner"]["pid"] == agent.process.pid, "owned by the agent, not by the hook or its shell"
    assert held["label"] == f"claude-code session in {tmp_path}"
    for recorded, path in [("pre-tool-use-edit", "src/app.py"), ("pre-tool-use-multiedit", "src/util.py"),
                           ("pre-tool-use-notebookedit", "notebooks/explore.ipynb")]:
        assert agent.send(recorded)["stdout"] == ""
        assert str(tmp_path / path) in [e["path"] for e in claims(env)[task]["entries"]], recorded
    assert len(claims(env)[task]["entries"]) == 4, "one claim, grown by each edit"
    # An unhandled tool passes untouched (and renews the session's lease).
    before = claims(env)[task]["expires_ms"]
    time.sleep(0.01)
    assert agent.send("pre-tool-use-read") == {"stdout": "", "stderr": "", "status": 0}
    assert claims(env)[task]["expires_ms"] > before and len(claims(env)[task]["entries"]) == 4
    assert agent.send("session-end")["status"] == 0
    assert claims(env) == {}
    [ended] = wir.Registry(env["WIR_REGISTRY"]).history()
    assert (ended["task_id"], ended["reason"]) == (task, "completed")
    assert not any((tmp_path / "state" / "wir" / "hooks").iterdir()), "the session's key is forgotten"


def test_two_sessions_contend_for_a_file(agents, env, tmp_path):
    first, second = agents("session-one"), agents("session-two")
    assert first.send("pre-tool-use-write")["stdout"] == ""
    denied = second.send("pre-tool-use-edit", tool_input={"file_path": str(tmp_path / "src" / "state.json"),
                                                          "old_string": "a", "new_string": "b"})
    assert denied["status"] == 0
    output = json.loads(denied["stdout"])["hookSpecificOutput"]
    assert output["hookEventName"] == "PreToolUse" and output["permissionDecision"] == "deny"
    reason = output["permissionDecisionReason"]
    assert "task 'claude-code-session-one'" in reason and f"pid {first.process.pid}" in reason
    assert "lease ends in" in reason and str(tmp_path / "src" / "state.json") in reason
    assert list(claims(env)) == ["claude-code-session-one"], "the denied session holds nothing"
    # Other files are the second session's to edit meanwhile.
    assert second.send("pre-tool-use-multiedit")["stdout"] == ""
    first.send("session-end")
    assert second.send("pre-tool-use-write")["stdout"] == "", "admitted once the first session ended"
    assert claims(env)["claude-code-session-two"]["owner"]["pid"] == second.process.pid


def test_a_session_whose_agent_dies_or_goes_quiet_lets_go(agents, env, tmp_path):
    crashed, quiet, other = agents("crashed"), agents("quiet", ttl="1s"), agents("other")
    crashed.send("pre-tool-use-write")
    quiet.send("pre-tool-use-edit")
    crashed.process.kill()
    crashed.process.wait()
    assert other.send("pre-tool-use-write")["stdout"] == "", "the dead agent's claim ended with it"
    assert "claude-code-quiet" in claims(env)
    deadline = time.monotonic() + 30
    while "claude-code-quiet" in claims(env) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert other.send("pre-tool-use-edit")["stdout"] == "", "the quiet session's lease lapsed"
    reasons = {row["task_id"]: row["reason"] for row in wir.Registry(env["WIR_REGISTRY"]).history()}
    assert reasons == {"claude-code-crashed": "owner-dead", "claude-code-quiet": "expired"}


def test_a_wir_error_or_bad_input_never_blocks_silently(agents, env, installed_wir, tmp_path):
    agent = agents("s")
    (tmp_path / "not-a-registry").mkdir()
    broken = dict(env, WIR_REGISTRY=str(tmp_path / "not-a-registry"))
    result = subprocess.run(["sh", "-c", f"'{installed_wir}' hook claude-code"], env=broken, capture_output=True,
                            text=True, input=(RECORDED / "pre-tool-use-write.json").read_text()
                            .replace("@SESSION@", "s").replace("@CWD@", str(tmp_path)))
    assert result.returncode == 0
    message = json.loads(result.stdout)["systemMessage"]
    assert "not-a-registry" in message and "goes ahead unclaimed" in message and "permissionDecision" not in result.stdout
    for garbage, problem in [("not json", "not a JSON object"), ('{"hook_event_name": "PreToolUse"}', "no session_id"),
                             ('{"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Write", '
                              '"tool_input": {}}', "Write has no tool_input.file_path")]:
        result = subprocess.run([installed_wir, "hook", "claude-code"], env=env, input=garbage, capture_output=True,
                                text=True)
        assert result.returncode == 0 and problem in json.loads(result.stdout)["systemMessage"], result
    unknown = subprocess.run([installed_wir, "hook", "cursor"], env=env, input="{}", capture_output=True, text=True)
    assert unknown.returncode == 64 and "unknown agent 'cursor' (claude-code)" in unknown.stderr
    assert agent.send("pre-tool-use-read")["stdout"] == "", "an unhandled tool with nothing held: nothing to say"
    assert claims(env) == {}
