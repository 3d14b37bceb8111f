"""What the web view's tests share: starting `python -m wir.ui` and tasks as processes of their own."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
ACTOR = HERE / "actors" / "registry_actor.py"


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python" / "src")
    return env


def read_line(stream, timeout: float) -> str:
    """One line from a child's pipe, or AssertionError after ``timeout`` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"no line within {timeout} s"
    return stream.readline()


@contextlib.contextmanager
def wir_ui(*arguments: str, env: dict[str, str] | None = None):
    """`python -m wir.ui ARGUMENTS`, as a user starts it; yields (process, the URL it printed first)."""
    process = subprocess.Popen([sys.executable, "-m", "wir.ui", *arguments], env=env or python_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = read_line(process.stdout, 30).strip()
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Actor:
    """A task on the registry in a process of its own (tests/actors/registry_actor.py)."""

    def __init__(self, registry: str | Path, action: str, task: str, *options: str, wait_for: str | None = None):
        self.process = subprocess.Popen([sys.executable, str(ACTOR), str(registry), action, task, *options],
                                        env=python_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        #: What it printed first (``held KEY`` for hold), once ``wait_for`` (its first word) came.
        self.said = ""
        if wait_for is not None:
            self.said = read_line(self.process.stdout, 30).strip()
            assert self.said.split(" ")[0] == wait_for, f"{task}: {self.said!r}, not {wait_for!r}"

    def release(self, outcome: str = "completed") -> None:
        self.process.stdin.write(f"release {outcome}\n")
        self.process.stdin.flush()
        assert read_line(self.process.stdout, 30).strip() == "released"
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)


def run_actor(registry: str | Path, action: str, task: str, *options: str) -> str:
    """A task that runs to its end (run, refuse, die); returns what it printed."""
    done = subprocess.run([sys.executable, str(ACTOR), str(registry), action, task, *options], env=python_env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def get(url: str, path: str = "/", headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) of one request to the server at ``url``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Events:
    """The page's event stream (/api/events), read as the page reads it."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.connection.request("GET", "/api/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.raw: list[str] = []

    def next(self, timeout: float = 10) -> dict:
        """The next update event's data."""
        deadline = time.monotonic() + timeout
        event, data = None, None
        while time.monotonic() < deadline:
            line = self.response.readline().decode()
            assert line, "the event stream ended"
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                data = line[len("data: "):]
                self.raw.append(data)
            elif line == "" and event == "update" and data is not None:
                return json.loads(data)
        raise AssertionError(f"no update within {timeout} s")

    def close(self) -> None:
        self.connection.close()


def ui_report(registry: str | Path, destination: str | Path, *options: str) -> str:
    """`python -m wir.ui --report DESTINATION`; returns what it printed."""
    done = subprocess.run([sys.executable, "-m", "wir.ui", "--registry", str(registry), "--report", str(destination),
                           *options], env=python_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout
