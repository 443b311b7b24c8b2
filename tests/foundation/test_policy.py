"""Policy models: the shipped policies validate; typos and impossible values fail with file and key path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from deid.categories import Category
from deid.errors import PolicyError
from deid.policy import Policy, load_policy, policy_from_document, policy_json_schema

POLICIES = sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return yaml.safe_load((POLICIES[0].parent / "safe-harbor.yaml").read_text())


def test_three_policies_ship() -> None:
    assert {p.stem for p in POLICIES} >= {"safe-harbor", "expert-determination", "limited-data-set"}


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_shipped_policy_is_valid(path: Path) -> None:
    policy = load_policy(path)
    assert policy.sha256 and len(policy.sha256) == 64
    assert set(policy.text.categories) == set(Category)


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    *parents, last = path.split(".")
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


_DELETE = object()

INVALID = [
    ("typo in a top-level key", "riskk", {"k": 5}, "[riskk] unknown key"),
    ("typo in a nested key", "risk.kk", 5, "[risk.kk] unknown key"),
    ("k below 1", "risk.k", 0, "[risk.k]"),
    ("suppression over 100 %", "risk.suppression_limit", 1.5, "[risk.suppression_limit]"),
    ("unknown text action", "text.categories.NAME.action", "blur", "[text.categories.NAME.action]"),
    ("date action on a name", "text.categories.NAME.action", "year_only", "DATE only"),
    ("missing category", "text.categories.SSN", _DELETE, "missing: SSN"),
    ("keeps a name under safe harbor", "text.categories.NAME.action", "keep", "safe_harbor keeps no PHI"),
    ("shifted dates under safe harbor", "text.categories.DATE.action", "date_shift", "no shifted dates"),
    ("bad version", "version", "one", "[version]"),
    ("bad schema version", "schema_version", 2, "[schema_version]"),
    ("empty reason", "text.categories.NAME.reason", "", "[text.categories.NAME.reason]"),
    ("direct column kept", "tables.patients.columns.ssn.action", "keep", "not allowed for role direct"),
    ("unknown column action", "tables.patients.columns.ssn.action", "hash", "tables.patients.columns.ssn"),
    ("person key not a column", "tables.patients.person_key", "nobody", "person_key nobody"),
    ("missing required key", "risk.population", _DELETE, "[risk.population] required key is missing"),
]


@pytest.mark.parametrize(("case", "path", "value", "expected"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_policy_names_the_key_path(base: dict[str, Any], case: str, path: str, value: Any, expected: str) -> None:
    with pytest.raises(PolicyError) as info:
        policy_from_document(_set(base, path, value), label="p.yaml")
    assert any(expected in line and line.startswith("p.yaml: [") for line in info.value.problems), info.value.problems


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n  version: : :\n")
    with pytest.raises(PolicyError, match=r"bad.yaml: \[\] YAML syntax error at line 2"):
        load_policy(bad)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="policy file not found"):
        load_policy(tmp_path / "none.yaml")


def test_every_field_has_a_description() -> None:
    schema = json.loads(policy_json_schema())
    missing: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if "description" not in prop:
                    missing.append(f"{where}.{name}")
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schema, "policy")
    assert not missing, missing


def test_schema_forbids_extra_keys() -> None:
    schema = json.loads(policy_json_schema())
    assert schema["additionalProperties"] is False
    assert all(d.get("additionalProperties") is False for d in schema["$defs"].values() if d.get("type") == "object")


def test_policy_is_immutable(base: dict[str, Any]) -> None:
    policy = policy_from_document(base)
    with pytest.raises(Exception):
        policy.risk.k = 1  # type: ignore[misc]
    assert isinstance(policy, Policy)
