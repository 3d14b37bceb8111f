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
