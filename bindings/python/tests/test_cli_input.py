"""The `wir` command given strings that are not registries, shown hostile registry contents, and
asked things whose old answers misled: each case runs the real command in its own directory with
its own registry (issue #15, items 3, 4, 8, 9 and 10)."""
import json
import os
import re
import sqlite3
import subprocess

import pytest

CLI = os.environ.get("WIR_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="WIR_CLI names no wir command (make test-python sets it)")


def wir(cwd, *arguments, env=None, registry=None):
    """Runs `wir ARGUMENTS` in `cwd`; `registry` goes in WIR_REGISTRY (None: cwd/registry.db)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIR_")}
    environment["WIR_REGISTRY"] = str(registry or cwd / "registry.db")
    environment.update(env or {})
    return subprocess.run([CLI, *map(str, arguments)], capture_output=True, text=True, cwd=cwd, env=environment)


def files(directory):
    return sorted(str(path.relative_to(directory)) for path in directory.rglob("*"))


# ---- 3. Strings that are not registries ------------------------------------------------------

NOT_REGISTRIES = [
    ("a libpq keyword string", "host=db password=S3cret", "keyword/value connection string"),
    ("a keyword string with spaces around '='", "dbname = app  password = 'S3 cret'", "keyword/value"),
    ("a misspelt scheme", "postgressql://host/x", "did you mean postgresql://"),
    ("another database's URL", "mysql://me:S3cret@db/x", "scheme 'mysql'"),
    ("an upper-case scheme", "POSTGRESQL://db/x", "scheme 'POSTGRESQL'"),
    ("a SQLite URI", "file:///tmp/x.db", "scheme 'file'"),
]


@pytest.mark.parametrize("what, location, named", NOT_REGISTRIES, ids=[case[0] for case in NOT_REGISTRIES])
def test_a_string_that_is_not_a_registry_is_refused_and_creates_nothing(tmp_path, what, location, named):
    for arguments in (["claim", "--writes", "f", "--registry", location], ["ls", "--registry", location]):
        result = wir(tmp_path, *arguments)
        assert result.returncode == 64, result.stderr
        assert named in result.stderr and "S3cret" not in result.stderr and "S3 cret" not in result.stderr, result.stderr
    # Through the environment too.
    result = wir(tmp_path, "claim", "--writes", "f", registry=location)
    assert result.returncode == 64 and named in result.stderr, result.stderr
    assert files(tmp_path) == []


def test_a_relative_registry_from_the_environment_is_refused(tmp_path):
    for directory in ("one", "two"):
        (tmp_path / directory).mkdir()
        result = wir(tmp_path / directory, "claim", "--writes", tmp_path / "shared", registry="rel.db")
        assert result.returncode == 64, result.stderr
        assert "WIR_REGISTRY='rel.db' is a relative path" in result.stderr
        assert str(tmp_path / directory / "rel.db") in result.stderr, "it says what was meant"
    assert files(tmp_path) == ["one", "two"]
    # Given as an argument, a relative path is the caller's word for a file: it is used.
    assert wir(tmp_path, "claim", "--writes", "f", "--registry", "here.db", "--owner-pid", os.getpid()).returncode == 0
    assert (tmp_path / "here.db").exists()


@pytest.mark.parametrize("command", [["ls"], ["who", "f"], ["log"], ["history"], ["doctor"], ["config", "get", "ttl"]])
def test_a_command_that_only_reads_never_creates_a_registry(tmp_path, command):
    registry = tmp_path / "state" / "wir" / "registry.db"
    result = wir(tmp_path, *command, registry=registry)
    assert result.returncode == 66, result.stderr
    assert f"there is no registry at '{registry}'" in result.stderr
    assert files(tmp_path) == []
    assert wir(tmp_path, "claim", "--writes", "f", "--owner-pid", os.getpid(), registry=registry).returncode == 0
    assert wir(tmp_path, *command, registry=registry).returncode == 0


def test_a_registry_beyond_an_unsearchable_directory_says_so(tmp_path):
    if os.getuid() != 0 or not os.path.exists("/usr/bin/setpriv"):
        pytest.skip("needs root and setpriv to act as another user")
    os.chmod(tmp_path, 0o755)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o700)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIR_")}
    result = subprocess.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", CLI, "claim",
                             "--writes", "/tmp/f", "--registry", locked / "registry.db"],
                            capture_output=True, text=True, env=environment, cwd="/")
    assert result.returncode == 74, result.stderr
    assert "cannot reach registry" in result.stderr and "not searchable" in result.stderr, result.stderr
    assert "cannot create" not in result.stderr


# ---- 4. Terminal injection --------------------------------------------------------------------

ESC = "\x1b"


def plant(registry, *statements):
    """What a group member with write access to the registry file can do: change it directly."""
    connection = sqlite3.connect(registry)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def test_listings_escape_what_a_shared_registry_holds_and_json_stays_exact(tmp_path):
    registry = tmp_path / "registry.db"
    assert wir(tmp_path, "claim", "--task", "victim", "--writes", "f", "--label", "nightly",
               "--owner-pid", os.getpid()).returncode == 0
    assert wir(tmp_path, "claim", "--task", "refused", "--writes", "f").returncode == 75
    evil = f"{ESC}]0;owned{ESC}\\{ESC}[2J\nFAKE LINE\u202e\x85"
    plant(registry, f"UPDATE claims SET label = '{evil}', host = '{evil}host', task_id = 'v{evil}'",
          f"UPDATE claim_entries SET task_id = 'v{evil}'",
          f"UPDATE conflicts SET holder_task_id = '{evil}', task_id = '{evil}'")
    outputs = [wir(tmp_path, "ls"), wir(tmp_path, "who", "f"), wir(tmp_path, "log")]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        for bad in (ESC, "\nFAKE", "\u202e", "\x85"):
            assert bad not in result.stdout, (bad, result.stdout)
    assert "\\x1b]0;owned" in outputs[0].stdout and "\\x0aFAKE LINE\\u{202e}\\u{85}" in outputs[0].stdout
    listed = json.loads(wir(tmp_path, "ls", "--json").stdout)
    assert listed["claims"][0]["label"] == evil, "JSON stays exact"
    # A refusal names the holder: escaped on stderr as well.
    refused = wir(tmp_path, "claim", "--writes", "f")
    assert refused.returncode == 75 and ESC not in refused.stderr and "\\x1b" in refused.stderr
    assert len(refused.stderr.splitlines()) == 2


def test_history_escapes_what_a_shared_registry_holds(tmp_path):
    registry = tmp_path / "registry.db"
    claimed = wir(tmp_path, "claim", "--task", "t", "--writes", "f", "--owner-pid", os.getpid())
    key = dict(line.split("=", 1) for line in claimed.stdout.split())["WIR_KEY"]
    assert wir(tmp_path, "release", "t", "--key", key).returncode == 0
    plant(registry, f"UPDATE history SET label = 'x{ESC}[31mred', entries = 'w /tmp/{ESC}[2J'")
    shown = wir(tmp_path, "history")
    assert shown.returncode == 0 and ESC not in shown.stdout and "x\\x1b[31mred" in shown.stdout


PASSWORDS = [
    ("in the user information", "postgresql://me:S3cret@127.0.0.1:1/db?connect_timeout=2"),
    ("with '?' in it", "postgresql://me:S3c?ret@127.0.0.1:1/db?connect_timeout=2"),
    ("as a parameter", "postgresql://127.0.0.1:1/db?connect_timeout=2&password=S3cret"),
    ("percent-encoded", "postgresql://127.0.0.1:1/db?connect_timeout=2&%70assword=S3cret"),
    ("in capitals", "postgres://127.0.0.1:1/db?connect_timeout=2&PassWord=S3cret"),
    ("as sslpassword", "postgresql://127.0.0.1:1/db?connect_timeout=2&sslpassword=S3cret"),
    ("in a bad wir_schema's URL", "postgresql://me:S3cret@127.0.0.1:1/db?wir_schema=NO-SUCH"),
    ("that libpq quotes back", "postgresql://me:ab%zzS3cret@127.0.0.1:1/db"),
    ("as a parameter libpq quotes back", "postgresql://127.0.0.1:1/db?password=S3%zzcret"),
]


@pytest.mark.parametrize("what, url", PASSWORDS, ids=[case[0] for case in PASSWORDS])
def test_a_password_in_a_url_never_appears_in_messages(tmp_path, what, url):
    result = wir(tmp_path, "claim", "--writes", "f", "--registry", url)
    assert result.returncode in (64, 74, 78), result.stderr
    for piece in ("S3c", "ret@", "zzcret", "zzS3"):
        assert piece not in result.stderr, result.stderr
    assert "***" in result.stderr or "wir_schema" in result.stderr, result.stderr


# ---- 8. Leases too short to renew, and durations ---------------------------------------------

@pytest.mark.parametrize("arguments, named", [
    (["claim", "--writes", "f", "--ttl", "10ms"], "too short to renew"),
    (["claim", "--writes", "f", "--ttl", "0.5"], "too short to renew"),
    (["run", "--writes", "f", "--ttl", "999ms", "--", "true"], "too short to renew"),
    (["config", "set", "ttl", "500ms"], "too short to renew"),
    (["claim", "--writes", "f", "--ttl", "-5"], "cannot be negative"),
    (["claim", "--writes", "f", "--timeout", "-1"], "cannot be negative"),
    (["heartbeat", "t", "--key", "k", "--ttl", "-1s"], "cannot be negative"),
    (["claim", "--writes", "f", "--ttl", "0x10"], "not a duration"),
    (["claim", "--writes", "f", "--ttl", "1e3"], "not a duration"),
    (["claim", "--writes", "f", "--owner-pid", "-1"], "owner pid -1"),
    (["log", "--limit", "-2"], "--limit"),
])
def test_bad_durations_and_short_leases_say_what_is_wrong(tmp_path, arguments, named):
    result = wir(tmp_path, *arguments)
    assert result.returncode == 64, result.stderr
    assert named in result.stderr and "Missing value" not in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_shortest_lease_and_the_documented_durations_are_accepted(tmp_path):
    for ttl in ("1s", "1000ms", "1d", "1.5"):
        result = wir(tmp_path, "claim", "--writes", f"f{ttl}", "--ttl", ttl, "--owner-pid", os.getpid())
        assert result.returncode == 0, (ttl, result.stderr)
    assert wir(tmp_path, "history", "--limit", "-1").returncode == 0


def test_a_default_lease_stored_by_an_older_wir_is_raised_to_the_shortest(tmp_path):
    registry = tmp_path / "registry.db"
    assert wir(tmp_path, "config", "set", "ttl", "10m").returncode == 0
    plant(registry, "UPDATE settings SET value = '10' WHERE name = 'ttl_ms'")
    assert wir(tmp_path, "claim", "--writes", "f", "--owner-pid", os.getpid()).returncode == 0
    assert json.loads(wir(tmp_path, "ls", "--json").stdout)["claims"][0]["ttl_ms"] == 1000


# ---- 9. The token counter ---------------------------------------------------------------------

@pytest.mark.parametrize("value, named", [("9223372036854775807", "largest value"), ("'abc'", "not a whole number"),
                                          ("1.5", "not a whole number"), ("x'00'", "not a whole number")])
def test_a_token_counter_that_cannot_move_is_damage_never_a_reused_token(tmp_path, value, named):
    registry = tmp_path / "registry.db"
    assert wir(tmp_path, "claim", "--writes", "a", "--owner-pid", os.getpid()).returncode == 0
    plant(registry, f"UPDATE counters SET value = {value} WHERE name = 'token'")
    for _ in range(2):
        result = wir(tmp_path, "claim", "--writes", "b", "--owner-pid", os.getpid())
        assert result.returncode == 74, result.stdout + result.stderr
        assert "token counter" in result.stderr and named in result.stderr, result.stderr
    assert [claim["token"] for claim in json.loads(wir(tmp_path, "ls", "--json").stdout)["claims"]] == [1]


# ---- 10. Messages and exit codes that misled ---------------------------------------------------

def test_a_task_id_in_flight_under_another_owner_exits_77(tmp_path):
    # The owner is a process that is not this CLI's ancestor: an owner's descendants act as the owner.
    owner = subprocess.Popen(["sleep", "60"])
    try:
        assert wir(tmp_path, "claim", "--task", "t", "--writes", "a", "--owner-pid", owner.pid).returncode == 0
        result = wir(tmp_path, "claim", "--task", "t", "--writes", "b", "--owner-pid", os.getpid())
        assert result.returncode == 77 and "in flight under another owner" in result.stderr, result.stderr
    finally:
        owner.kill()
        owner.wait()


def test_releasing_a_task_that_never_existed_does_not_say_it_lost_its_claim(tmp_path):
    assert wir(tmp_path, "claim", "--writes", "a", "--owner-pid", os.getpid()).returncode == 0
    result = wir(tmp_path, "release", "no-such-task", "--key", "k")
    assert result.returncode == 1
    assert "no longer holds" not in result.stderr and "there never was one" in result.stderr, result.stderr


def test_an_escaped_slash_in_a_glob_is_named(tmp_path):
    result = wir(tmp_path, "claim", "--writes", "real/a\\/b")
    assert result.returncode == 64 and "escapes a '/'" in result.stderr and "lone backslash" not in result.stderr


def test_a_damaged_schema_exits_74(tmp_path):
    registry = tmp_path / "registry.db"
    assert wir(tmp_path, "claim", "--writes", "a", "--owner-pid", os.getpid()).returncode == 0
    plant(registry, "DROP TABLE claim_entries", "DROP TABLE history")
    for command, table in ((["history"], "history"), (["doctor"], "claim_entries"), (["claim", "--writes", "b"], "claim_entries")):
        result = wir(tmp_path, *command)
        assert result.returncode == 74, (command, result.stderr)
        assert "not as wir made them" in result.stderr and f"no such table: {table}" in result.stderr, result.stderr


def test_claim_json_is_printed_when_refused_too(tmp_path):
    assert wir(tmp_path, "claim", "--task", "holder", "--writes", "a", "--owner-pid", os.getpid()).returncode == 0
    refused = wir(tmp_path, "claim", "--json", "--task", "late", "--writes", ".")
    assert refused.returncode == 75
    report = json.loads(refused.stdout)
    assert report["status"] == "refused" and report["task_id"] == "late"
    assert report["conflicts"][0]["holder"]["task_id"] == "holder"
    assert report["conflicts"][0]["held"]["path"] == str(tmp_path / "a")
    timed_out = wir(tmp_path, "claim", "--json", "--writes", "a", "--policy", "queue", "--timeout", "0")
    assert timed_out.returncode == 75 and json.loads(timed_out.stdout)["status"] == "timed-out"
    admitted = json.loads(wir(tmp_path, "claim", "--json", "--writes", "b", "--owner-pid", os.getpid()).stdout)
    assert admitted["status"] == "admitted" and admitted["token"] == 2


def test_claim_takes_a_claim_that_only_reads(tmp_path):
    result = wir(tmp_path, "claim", "--reads", "data", "--owner-pid", os.getpid())
    assert result.returncode == 0, result.stderr
    entries = json.loads(wir(tmp_path, "ls", "--json").stdout)["claims"][0]["entries"]
    assert entries == [{"path": str(tmp_path / "data"), "access": "read", "glob": False}]


def test_a_claim_owned_by_a_parent_that_is_not_a_shell_says_so(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIR_")}
    environment["WIR_REGISTRY"] = str(tmp_path / "registry.db")
    under_timeout = subprocess.run(["timeout", "5", CLI, "claim", "--writes", "a"], capture_output=True, text=True,
                                   cwd=tmp_path, env=environment)
    assert under_timeout.returncode == 0, under_timeout.stderr
    assert "warning" in under_timeout.stderr and "(timeout)" in under_timeout.stderr, under_timeout.stderr
    assert "--owner-pid" in under_timeout.stderr
    from_a_shell = subprocess.run(["sh", "-c", f"'{CLI}' claim --writes b; true"], capture_output=True, text=True,
                                  cwd=tmp_path, env=environment)
    assert from_a_shell.returncode == 0 and from_a_shell.stderr == "", from_a_shell.stderr
    chosen = subprocess.run(["timeout", "5", CLI, "claim", "--writes", "c", "--owner-pid", str(os.getpid())],
                            capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert chosen.returncode == 0 and chosen.stderr == "", chosen.stderr


def test_the_exit_codes_are_one_list(tmp_path):
    """README.md's table and `wir --help` name the same exit codes."""
    from conftest import ROOT
    shown = wir(tmp_path, "--help").stdout
    section = shown.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    in_help = set(re.findall(r"(?<![\w+])(\d{1,3})\s+(?=[a-z`])", section))
    in_readme = set(re.findall(r"^  \| (\d+) \|", (ROOT / "README.md").read_text(), re.M))
    assert in_help == in_readme and {"0", "64", "66", "74", "75", "77"} <= in_help, (in_help, in_readme)
