"""What the binding copies from Include/wir.h (status codes, enumerations, struct layouts and the
version) matches the header."""
import re

import wir
from wir import _native

from conftest import ROOT, header_defines, header_version


def test_every_status_code_and_enumeration_matches_the_header():
    defines = header_defines()
    statuses = {name: value for name, value in defines.items() if name == "WIR_OK" or re.fullmatch(r"WIR_E[A-Z]+", name)}
    assert len(statuses) >= 19
    for name, value in statuses.items():
        assert getattr(_native, name) == value, name
    for prefix, table in [("WIR_POLICY_", _native.POLICIES), ("WIR_OUTCOME_", _native.OUTCOMES)]:
        named = {key: value for key, value in defines.items() if key.startswith(prefix)}
        assert sorted(named.values()) == sorted(table.values()), prefix
        for key, value in named.items():
            assert getattr(_native, key) == value, key
    for name in ["WIR_ACCESS_WRITE", "WIR_ACCESS_READ", "WIR_CLAIM_OPTS_VERSION", "WIR_CONFINE_STRICT",
                 "WIR_CONFINE_BEST_EFFORT", "WIR_CONFINE_CHECK"]:
        assert getattr(_native, name) == defines[name], name


def _struct_fields(struct: str) -> list[str]:
    text = (ROOT / "Include" / "wir.h").read_text()
    body = re.search(r"typedef struct " + struct + r" \{(.*?)\}\s*" + struct + ";", text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return re.findall(r"(\w+)(?:\[\w*\])?;", body)


def test_the_structs_have_the_headers_fields_in_order():
    assert [name for name, _ in _native.ClaimOpts._fields_] == _struct_fields("wir_claim_opts")
    assert [name for name, _ in _native.ConflictStruct._fields_] == _struct_fields("wir_conflict")


def test_the_versions_are_the_headers():
    assert wir.library_version() == header_version()
    assert wir.__version__ == header_version()
