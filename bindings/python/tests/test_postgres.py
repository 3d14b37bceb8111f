"""The binding on a PostgreSQL registry (WIR_TEST_POSTGRES names the server; skipped without it)."""
import os
import pickle
import shutil
import subprocess
import uuid

import pytest

import wir

SERVER = os.environ.get("WIR_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not SERVER, reason="WIR_TEST_POSTGRES names no PostgreSQL server")


@pytest.fixture
def pg_registry():
    schema = "wir_py_" + uuid.uuid4().hex[:12]
    reg = wir.Registry(SERVER + ("&" if "?" in SERVER else "?") + "wir_schema=" + schema)
    yield reg
    reg.close()
    drop_schema(schema)


def drop_schema(schema):
    """Leaves nothing behind on the server (psql, when it is installed; the name is made above)."""
    if shutil.which("psql"):
        subprocess.run(["psql", "-q", "-d", SERVER, "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'],
                       capture_output=True, check=False)


def test_a_url_gives_the_same_rules_and_reports(pg_registry, tmp_path):
    held = tmp_path / "state.json"
    with pg_registry.claim(writes=[held], task_id="holder") as claim:
        assert claim.token > 0
        with pytest.raises(wir.ClaimConflict) as refused:
            pg_registry.claim(writes=[tmp_path], task_id="other")
        assert refused.value.conflicts[0].holder_task_id == "holder"
    assert [entry["reason"] for entry in pg_registry.history()] == ["completed"]
    assert pickle.loads(pickle.dumps(pg_registry)).path == pg_registry.path


def test_an_unreachable_server_is_an_io_error():
    with pytest.raises(wir.WirError) as failed:
        wir.Registry("postgresql://127.0.0.1:1/x?connect_timeout=5")
    assert "cannot connect" in str(failed.value)


# ---- Issue #15: the same hardening on a PostgreSQL registry ---------------------------------------

def psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", SERVER, "-c", sql], capture_output=True, check=True)


needs_psql = pytest.mark.skipif(not shutil.which("psql"), reason="needs psql to change the server directly")


def schema_of(registry):
    return registry.path.rsplit("wir_schema=", 1)[1]


@needs_psql
@pytest.mark.parametrize("value, named", [("9223372036854775807", "largest value")])
def test_a_token_counter_that_cannot_move_is_damage_never_a_reused_token(pg_registry, tmp_path, value, named):
    pg_registry.claim(writes=[tmp_path / "a"]).release()
    psql(f'UPDATE "{schema_of(pg_registry)}".counters SET value = {value}')
    for _ in range(2):
        with pytest.raises(wir.RegistryError, match=named) as raised:
            pg_registry.claim(writes=[tmp_path / "b"])
        assert raised.value.status == -12, "WIR_ECORRUPT"
    assert pg_registry.in_flight()["claims"] == []


@needs_psql
def test_a_counter_that_is_not_a_whole_number_is_damage(pg_registry, tmp_path):
    schema = schema_of(pg_registry)
    pg_registry.claim(writes=[tmp_path / "a"]).release()
    psql(f'ALTER TABLE "{schema}".counters ALTER COLUMN value TYPE numeric; UPDATE "{schema}".counters SET value = 1.5')
    with pytest.raises(wir.RegistryError, match="not a whole number") as raised:
        pg_registry.claim(writes=[tmp_path / "b"])
    assert raised.value.status == -12


@needs_psql
def test_a_role_without_usage_on_the_schema_is_told_so(pg_registry, tmp_path):
    schema, role = schema_of(pg_registry), "wir_nousage_" + uuid.uuid4().hex[:8]
    psql(f'REVOKE ALL ON SCHEMA "{schema}" FROM PUBLIC; CREATE ROLE {role} LOGIN')
    try:
        url = pg_registry.path.replace("://", f"://{role}@", 1) if "@" not in pg_registry.path else \
            pg_registry.path.split("://", 1)[0] + f"://{role}@" + pg_registry.path.split("@", 1)[1]
        with pytest.raises(wir.RegistryError) as raised:
            wir.Registry(url)
        message = str(raised.value)
        assert "lacks the USAGE privilege" in message and role in message, message
        assert "not as this wir made them" not in message
    finally:
        psql(f"DROP ROLE {role}")


@pytest.mark.skipif(not os.environ.get("WIR_CLI"), reason="WIR_CLI names no wir command")
@needs_psql
def test_a_command_that_only_reads_never_creates_a_schema(tmp_path):
    schema = "wir_py_" + uuid.uuid4().hex[:12]
    url = SERVER + ("&" if "?" in SERVER else "?") + "wir_schema=" + schema
    try:
        for command in (["ls"], ["history"], ["doctor"]):
            result = subprocess.run([os.environ["WIR_CLI"], *command, "--registry", url], capture_output=True, text=True)
            assert result.returncode == 66 and "there is no registry in schema" in result.stderr, result.stderr
        exists = subprocess.run(["psql", "-tA", "-d", SERVER, "-c",
                                 f"SELECT count(*) FROM pg_namespace WHERE nspname = '{schema}'"],
                                capture_output=True, text=True, check=True).stdout.strip()
        assert exists == "0"
    finally:
        drop_schema(schema)
