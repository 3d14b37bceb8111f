"""A stuck PostgreSQL server (WIR_TEST_POSTGRES names it; skipped without it, or when its processes
cannot be signalled from here): the server process serving the keeper's session is stopped
(SIGSTOP), so only the library's own deadlines can notice."""
import os
import shutil
import signal
import subprocess
import time
import uuid

import pytest

import wir

SERVER = os.environ.get("WIR_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not SERVER or not shutil.which("psql"),
                                reason="WIR_TEST_POSTGRES names no PostgreSQL server (or psql is missing)")


def sql(statement):
    """One statement's rows through psql, each a list of its fields."""
    output = subprocess.run(["psql", "-qAt", "-F", "\t", "-d", SERVER, "-c", statement], capture_output=True,
                            text=True, check=True).stdout
    return [line.split("\t") for line in output.splitlines() if line]


def sessions():
    """The server processes serving this process's sessions (named wir[PID] ...)."""
    return {int(row[0]) for row in sql(f"SELECT pid FROM pg_stat_activity "
                                       f"WHERE starts_with(application_name, 'wir[{os.getpid()}] ')")}


def stop_while_idle(pid):
    """SIGSTOP, between transactions (so it holds no lock that would stop everyone else)."""
    for _ in range(2000):
        os.kill(pid, signal.SIGSTOP)
        if sql(f"SELECT state FROM pg_stat_activity WHERE pid = {pid}") == [["idle"]]:
            return
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.003)
    raise AssertionError(f"server process {pid} is never idle")


@pytest.fixture
def url():
    schema = "wir_py_" + uuid.uuid4().hex[:12]
    yield SERVER + ("&" if "?" in SERVER else "?") + "wir_schema=" + schema
    sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_keeper_reports_a_lease_it_cannot_renew_as_lost_before_a_rival_gets_in(url, tmp_path):
    rival = wir.Registry(url)                      # its session first, so the next one is the keeper's
    rival.set_config("grace", "2s")
    before = sessions()
    if not before or any(_cannot_signal(pid) for pid in before):
        rival.close()
        pytest.skip("the test server's processes cannot be signalled from here")
    registry = wir.Registry(url)
    keeper_sessions = sessions() - before
    assert keeper_sessions, "the second registry has a session of its own"
    target = tmp_path / "state.json"
    lost_at = []
    claim = registry.claim(writes=[target], task_id="kept", ttl=4, heartbeat=True,
                           on_lost=lambda _claim: lost_at.append(time.monotonic()))
    stopped = []
    try:
        for pid in keeper_sessions:
            stop_while_idle(pid)
            stopped.append(pid)
        stopped_at = time.monotonic()
        admitted_after = None
        while admitted_after is None and time.monotonic() < stopped_at + 60:
            attempt = time.monotonic()
            try:
                rival.claim(writes=[target], task_id="rival").release()
                admitted_after = attempt
            except wir.ClaimConflict:
                time.sleep(0.05)
        while not lost_at and time.monotonic() < stopped_at + 30:
            time.sleep(0.05)
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    assert lost_at, "the keeper must report the claim lost when it cannot renew the lease before it ends"
    assert claim.lost
    assert admitted_after is not None, "the rival gets in once the lease and the grace are over"
    assert lost_at[0] < admitted_after, (f"lost reported {lost_at[0] - stopped_at:.2f} s after the stop, the rival "
                                         f"admitted after {admitted_after - stopped_at:.2f} s")
    registry.close()
    rival.close()


def _cannot_signal(pid):
    try:
        os.kill(pid, 0)
        return False
    except OSError:
        return True
