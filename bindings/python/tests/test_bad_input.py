"""Bad input through the Python binding: a documented exception, no crash, nothing changed."""

import pytest

import wir


def fingerprint(registry):
    return (registry.in_flight(), registry.history(), registry.conflict_log())


CASES = [
    ("an empty path", dict(writes=[""]), wir.InvalidArgument),
    ("a newline in a path", dict(writes=["/tmp/a\nb"]), wir.InvalidArgument),
    ("a 70,000-byte path", dict(writes=["/" + "a" * 70_000]), wir.InvalidArgument),
    ("a path that is not UTF-8", dict(writes=[b"/tmp/\xff\xfe"]), wir.InvalidArgument),
    ("a malformed glob", dict(writes=["/tmp/src/[ab"]), wir.InvalidArgument),
    ("'..' after a wildcard", dict(writes=["/tmp/src/*/../x"]), wir.InvalidArgument),
    ("no paths at all", dict(), wir.InvalidArgument),
    ("an unknown policy", dict(writes=["/tmp/x"], policy="sometimes"), ValueError),
    ("a negative TTL", dict(writes=["/tmp/x"], ttl=-1), ValueError),
    ("a TTL over a year", dict(writes=["/tmp/x"], ttl=400 * 86400), wir.InvalidArgument),
    ("a negative timeout", dict(writes=["/tmp/x"], timeout=-1), ValueError),
    ("an empty task id", dict(writes=["/tmp/x"], task_id=""), wir.InvalidArgument),
    ("a 10 KiB task id", dict(writes=["/tmp/x"], task_id="t" * 10_240), wir.InvalidArgument),
    ("a single string, not a list", dict(writes="/tmp/x"), TypeError),
    ("a dead owner pid", dict(writes=["/tmp/x"], owner_pid=0x3FFFFFF0), wir.InvalidArgument),
]


@pytest.mark.parametrize("name, arguments, error", CASES, ids=[case[0] for case in CASES])
def test_bad_claims(registry, name, arguments, error):
    held = registry.claim(writes=["/tmp/wir-bad-input-held"], task_id="held")
    before = fingerprint(registry)
    with pytest.raises(error) as raised:
        registry.claim(**arguments)
    assert str(raised.value), "the error must say what was wrong"
    assert fingerprint(registry) == before, f"{name} changed the registry"
    held.release()


def test_ended_claims_and_wrong_keys(registry, tmp_path):
    claim = registry.claim(writes=[tmp_path / "f"], task_id="t")
    claim.release()
    before = fingerprint(registry)
    with pytest.raises(wir.ClaimLost):
        claim.release()
    with pytest.raises(wir.ClaimLost):
        claim.heartbeat()
    with pytest.raises(wir.WirError):
        registry.attach("t", "wrong")
    with pytest.raises(ValueError):
        claim.release("forgotten")
    assert fingerprint(registry) == before


def test_bad_registry_files_and_a_closed_handle(tmp_path):
    with pytest.raises(wir.RegistryError):
        wir.Registry(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00junk" * 1000)
    with pytest.raises(wir.RegistryError):
        wir.Registry(junk)
    assert junk.read_bytes() == b"\x00junk" * 1000
    registry = wir.Registry(tmp_path / "r.db")
    registry.close()
    with pytest.raises(ValueError, match="closed"):
        registry.claim(writes=[tmp_path / "x"])
