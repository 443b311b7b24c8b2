"""Helpers for the risk and tabular tests: small policies written to a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from deid.policy import Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]


def base_document() -> dict[str, Any]:
    """The adult example policy as a document, to copy the text rules from."""
    return yaml.safe_load((ROOT / "policies" / "examples" / "adult.yaml").read_text())


def risk_section(**overrides: Any) -> dict[str, Any]:
    """A risk section with every field explicit."""
    risk: dict[str, Any] = {
        "k": 2,
        "max_prosecutor_risk": None,
        "avg_prosecutor_risk": None,
        "suppression_limit": 0.0,
        "l_diversity": [],
        "t_closeness": [],
        "population": None,
        "anonymize": True,
    }
    risk.update(overrides)
    return risk


def col(role: str, action: str, reason: str = "test rule", **fields: Any) -> dict[str, Any]:
    """One column rule."""
    return {"role": role, "action": action, "reason": reason, **fields}


def generalize(role: str = "quasi", level: int | str = "search", **source: Any) -> dict[str, Any]:
    """A generalize rule with exactly one hierarchy source."""
    spec = {"hierarchy": None, "intervals": None, "prefixes": None, **source}
    return col(role, "generalize", level=level, **spec)


@pytest.fixture
def make_policy(tmp_path: Path) -> Callable[..., Policy]:
    """Write a policy with the given tables (and risk overrides) into tmp_path and load it."""

    def build(tables: dict[str, Any], **risk: Any) -> Policy:
        document = base_document()
        document["tables"] = tables
        document["risk"] = risk_section(**risk)
        path = tmp_path / "policy.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return load_policy(path)

    return build


def inline_policy(tables: dict[str, Any], **risk: Any) -> Policy:
    """A policy built in memory (no file: hierarchy paths, if any, resolve against the working folder)."""
    from deid.policy import policy_from_document

    document = base_document()
    document["tables"] = tables
    document["risk"] = risk_section(**risk)
    return policy_from_document(document)
