"""wir-ui, the web view, without a browser: its command line, its HTTP routes and event stream,
and its report, each through `python -m wir.ui` as a process of its own over a registry that
other processes fill (test_ui_browser.py looks at the page itself in Chromium)."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import wir
from ui_support import Actor, Events, get, python_env, run_actor, wir_ui
from wir.ui import _location, _page, _window

SERVER = os.environ.get("WIR_TEST_POSTGRES")


@pytest.fixture
def registry_file(tmp_path):
    """A registry with one ended claim, made by another process."""
    path = tmp_path / "registry.db"
    run_actor(path, "run", "warm-up", "--writes", str(tmp_path / "warm"), "--hold", "0")
    return path


def ui(*arguments, env=None):
    return subprocess.run([sys.executable, "-m", "wir.ui", *arguments], env=env or python_env(),
                          capture_output=True, text=True, timeout=60)


def test_the_first_line_is_the_pages_url_on_loopback_and_the_page_is_served(registry_file):
    with wir_ui("--registry", str(registry_file)) as (process, url):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        status, headers, body = get(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "unsafe" not in policy
        page = body.decode()
        assert '<script type="application/json" id="wir-data">' in page
        # Self-contained: nothing is loaded from anywhere.
        assert not re.search(r"""(src|href)\s*=|@import|url\(\s*['"]?https?:""", page)
        assert str(registry_file) in page
    assert process.returncode is not None


def test_a_port_given_is_used_and_a_port_in_use_is_a_clear_error(registry_file):
    with wir_ui("--registry", str(registry_file)) as (_, url):
        port = int(url.rsplit(":", 1)[1].strip("/"))
        taken = ui("--registry", str(registry_file), "--port", str(port))
        assert taken.returncode == 1 and taken.stdout == ""
        assert f"wir-ui: cannot serve on 127.0.0.1 port {port}: Address already in use" in taken.stderr
        assert "Traceback" not in taken.stderr
    with wir_ui("--registry", str(registry_file), "--port", str(port)) as (_, url):
        assert url == f"http://127.0.0.1:{port}/"


def test_widening_the_host_warns_and_still_prints_the_url_first(registry_file):
    with wir_ui("--registry", str(registry_file), "--host", "0.0.0.0") as (process, url):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        warning = process.stderr.readline()
        assert warning.startswith("wir-ui: warning: serving on 0.0.0.0: anyone who can reach port")
        # Widened, it answers to any host name it is reached by.
        assert get(url, headers={"Host": "build-box.internal"})[0] == 200


def test_a_registry_that_does_not_exist_is_refused_and_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "registry.db"
    for arguments, env in [(["--registry", str(missing)], None),
                           ([], {**python_env(), "WIR_REGISTRY": str(missing)})]:
        done = ui(*arguments, env=env)
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr == f"wir-ui: no registry at {missing} (wir-ui only reads a registry; it is created by the first claim)\n"
    assert not missing.parent.exists()


def test_a_file_that_is_not_a_registry_is_a_clear_error(tmp_path):
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t(x)")
    connection.commit()
    connection.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all\n" * 100)
    for path in (other, text):
        done = ui("--registry", str(path))
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.startswith("wir-ui: ") and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("arguments, message", [
    (["--port", "70000"], "70000 is not a port number"),
    (["--port", "eighty"], "'eighty' is not a port number"),
    (["--since", "1h"], "use them with --report FILE"),
    (["--report", "r.html", "--since", "5 parsecs"], "'5 parsecs' is not a duration"),
    (["--report", "r.html", "--since", "0s"], "'0s' is not a positive duration"),
    (["--report", "r.html", "--from", "yesterday"], "'yesterday' is not a time"),
    (["--report", "r.html", "--from", "2031-05-01T10:00", "--to", "2031-05-01T09:00"],
     "the window's start must come before its end"),
    (["--report", "r.html", "--since", "1h", "--from", "2031-05-01T10:00"], "--since and --from both"),
])
def test_bad_arguments_exit_2_naming_the_problem(registry_file, tmp_path, arguments, message):
    done = ui("--registry", str(registry_file), *arguments)
    assert done.returncode == 2 and done.stdout == ""
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_other_origins_writes_bad_windows_and_unknown_pages_are_refused(registry_file):
    with wir_ui("--registry", str(registry_file)) as (_, url):
        port = url.rsplit(":", 1)[1].strip("/")
        # A page elsewhere reaching 127.0.0.1 through a rebound DNS name names itself in Host.
        status, _, body = get(url, headers={"Host": f"attacker.example:{port}"})
        assert status == 403 and b"only to its own address" in body
        assert get(url, "/api/window", headers={"Host": f"attacker.example:{port}"})[0] == 403
        assert get(url, headers={"Host": f"localhost:{port}"})[0] == 200
        for method in ("POST", "PUT", "DELETE"):
            status, headers, body = get(url, "/api/window", method=method)
            assert status == 405 and headers["Allow"] == "GET, HEAD" and b"read-only" in body
        status, _, body = get(url, "/api/window?from=soon")
        assert status == 400 and json.loads(body) == {
            "error": "wir-ui: from='soon' is not a time in milliseconds since the epoch"}
        status, _, body = get(url, "/api/window?from=2000&to=1000")
        assert status == 400 and b"start must come before its end" in body
        status, _, body = get(url, "/api/window?from=0&to=" + "9" * 40)
        assert status == 400 and b"is out of range" in body
        status, _, body = get(url, "/api/window?from=-1")
        assert status == 400 and b"is out of range" in body
        status, _, body = get(url, "/../../etc/passwd")
        assert status == 404 and b"no such page" in body


def test_the_event_stream_follows_other_processes_and_never_holds_a_key(registry_file, tmp_path):
    target = str(tmp_path / "state.json")
    with wir_ui("--registry", str(registry_file)) as (_, url):
        events = Events(url)
        first = events.next()
        assert set(first) == {"now_ms", "state", "log", "history", "error"}
        assert first["state"] == {"claims": [], "waiters": []} and first["error"] == ""
        assert [row["task_id"] for row in first["history"]["rows"]] == ["warm-up"]
        holder = Actor(registry_file, "hold", "holder", "--writes", target, "--label", "long job", "--ttl", "60",
                       wait_for="held")
        try:
            update = events.next()
            [claim] = update["state"]["claims"]
            assert (claim["task_id"], claim["label"], claim["entries"][0]["path"]) == ("holder", "long job", target)
            key = holder.said.split(" ")[1]
            assert len(key) >= 16 and key not in get(url, "/api/window")[2].decode()
            run_actor(registry_file, "refuse", "latecomer", "--writes", target)
            update = events.next()
            assert set(update) <= {"now_ms", "log", "history"}          # only what changed
            [row] = update["log"]["rows"]
            assert (row["task_id"], row["holder"]["task_id"], row["outcome"]) == ("latecomer", "holder", "refused")
            holder.release("failed")
            released = time.monotonic()
            update = events.next()
            while update.get("state", {}).get("claims", [None]):
                update = events.next()
            assert time.monotonic() - released < 1.0, "the release reached the stream after more than 1 s"
            history = update["history"] if "history" in update else events.next()["history"]
            assert [(row["task_id"], row["reason"]) for row in history["rows"]][-1] == ("holder", "failed")
        finally:
            holder.stop()
            events.close()
        stream = "\n".join(events.raw)
        assert key not in stream and '"key"' not in stream and "secret" not in stream


def test_the_view_changes_nothing_in_the_registry(registry_file, tmp_path):
    holder = Actor(registry_file, "hold", "holder", "--writes", str(tmp_path / "a"), wait_for="held")
    try:
        reg = wir.Registry(registry_file)
        before = (reg.in_flight(), reg.conflict_log(), reg.history())
        with wir_ui("--registry", str(registry_file)) as (_, url):
            events = Events(url)
            events.next()
            now = int(time.time() * 1000)
            for path in ("/", "/api/window", f"/api/window?from={now - 86_400_000 * 300}&to={now}"):
                assert get(url, path)[0] == 200
            events.close()
        assert (reg.in_flight(), reg.conflict_log(), reg.history()) == before
    finally:
        holder.release()


def test_a_report_is_one_self_contained_file_whose_registry_text_cannot_escape(registry_file, tmp_path):
    hostile = "</script><script>alert(1)</script><!--"
    run_actor(registry_file, "run", "evil-task", "--writes", str(tmp_path / "x"), "--label", hostile, "--hold", "0")
    report = tmp_path / "incident.html"
    done = ui("--registry", str(registry_file), "--report", str(report), "--since", "2h")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wir-ui: wrote {report}: 2 ended claims, 0 in flight, 0 conflict-log rows\n"
    page = report.read_text()
    assert "<script>alert(1)" not in page and hostile not in page
    assert not re.search(r"""(src|href)\s*=""", page)
    assert re.findall(r"https?://[^'\"\s]*", page) == ["http://www.w3.org/2000/svg"]     # a name, never fetched
    assert "connect-src" not in page                    # a report asks nothing of anyone
    data = re.search(r'<script type="application/json" id="wir-data">(.*?)</script>', page, re.S).group(1)
    window = json.loads(data)["window"]
    assert [row["label"] for row in window["history"]["rows"]] == ["", hostile]
    assert window["to_ms"] - window["from_ms"] == 2 * 3_600_000
    # A chosen window, by its times; to standard output.
    done = ui("--registry", str(registry_file), "--report", "-", "--from", "2001-01-01T00:00", "--to",
              "2001-01-01T01:00+00:00")
    assert done.returncode == 0 and done.stdout.startswith("<!doctype html>")
    window = json.loads(re.search(r'id="wir-data">(.*?)</script>', done.stdout, re.S).group(1))["window"]
    assert window["history"]["rows"] == [] and window["to_ms"] == 978310800000


def test_a_report_that_cannot_be_written_is_a_clear_error(registry_file, tmp_path):
    done = ui("--registry", str(registry_file), "--report", str(tmp_path / "no" / "such" / "dir.html"))
    assert done.returncode == 1 and done.stderr.startswith("wir-ui: ") and "Traceback" not in done.stderr


def test_a_window_is_read_past_the_listings_limit_keeping_the_newest(registry_file, tmp_path, monkeypatch):
    reg = wir.Registry(registry_file)
    target = str(tmp_path / "busy")
    holder = reg.claim([target], task_id="holder")
    for i in range(130):
        reg.claim([str(tmp_path / f"f{i}")], task_id=f"task-{i:03}").release()
        with pytest.raises(wir.ClaimConflict):
            reg.claim([target], task_id=f"refused-{i:03}")
    holder.release()
    monkeypatch.setattr(_window, "PAGE", 40)
    rows, truncated = _window.history(reg, 0)
    assert not truncated and [row["task_id"] for row in rows] == (
        ["warm-up"] + [f"task-{i:03}" for i in range(130)] + ["holder"])
    rows, truncated = _window.history(reg, 0, cap=50)
    assert truncated and [row["task_id"] for row in rows][-1] == "holder" and len(rows) == 50
    rows, truncated = _window.conflict_log(reg, 0, cap=100)
    assert truncated and [row["task_id"] for row in rows] == [f"refused-{i:03}" for i in range(30, 130)]


def test_a_urls_password_is_never_shown():
    assert _location.shown("postgresql://wir:s3cret@db.internal:5432/agents?wir_schema=a&password=x&sslmode=require") \
        == "postgresql://wir@db.internal:5432/agents?wir_schema=a&password=***&sslmode=require"
    assert _location.shown("/srv/registry.db") == "/srv/registry.db"


@pytest.mark.skipif(not SERVER, reason="WIR_TEST_POSTGRES names no PostgreSQL server")
def test_the_view_reads_a_postgresql_registry(tmp_path):
    schema = "wir_ui_" + uuid.uuid4().hex[:10]
    url = SERVER + ("&" if "?" in SERVER else "?") + "wir_schema=" + schema
    target = str(tmp_path / "shared.json")
    holder = Actor(url, "hold", "pg-holder", "--writes", target, "--label", "on the server", "--ttl", "60",
                   wait_for="held")
    try:
        run_actor(url, "refuse", "pg-late", "--writes", target)
        with wir_ui("--registry", url) as (_, page):
            events = Events(page)
            update = events.next()
            assert [c["task_id"] for c in update["state"]["claims"]] == ["pg-holder"]
            assert [(r["task_id"], r["outcome"]) for r in update["log"]["rows"]] == [("pg-late", "refused")]
            holder.release()
            while update.get("state", {}).get("claims", [None]):
                update = events.next()
            events.close()
            status, _, body = get(page, "/api/window")
            assert status == 200 and [r["task_id"] for r in json.loads(body)["history"]["rows"]] == ["pg-holder"]
    finally:
        holder.stop()
        if shutil.which("psql"):                # leave nothing behind on the server (the name is made above)
            subprocess.run(["psql", "-q", "-d", SERVER, "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'],
                           capture_output=True, check=False)


def test_every_script_file_is_part_of_the_page():
    static = Path(_page.__file__).with_name("static")
    assert sorted(_page.SCRIPTS) == sorted(path.name for path in static.glob("*.js"))
