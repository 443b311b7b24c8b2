"""Shared helpers of the run tests: policy and pipeline variants written next to a generated hospital."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SAFE_HARBOR = ROOT / "policies" / "safe-harbor.yaml"
DEMO_PIPELINE = ROOT / "pipelines" / "demo.yaml"
TABLES = ("patients", "encounters", "labs", "notes")
#: Patients of the generated hospital who decline research use in these tests.
DECLINED = ("P000003", "P000017")

PolicyEdit = Callable[[dict[str, Any]], None]


def safe_harbor() -> dict[str, Any]:
    """The shipped Safe Harbor policy as a document."""
    return yaml.safe_load(SAFE_HARBOR.read_text(encoding="utf-8"))


def write_variant(folder: Path, name: str, *, tables: tuple[str, ...] = TABLES, edit: PolicyEdit | None = None,
                  canaries: int = 0) -> Path:
    """A policy derived from Safe Harbor (only ``tables``, then ``edit``) and a pipeline over the hospital
    in ``folder/hospital``; returns the pipeline file (data_root is ``folder``)."""
    policy = safe_harbor()
    policy["tables"] = {t: spec for t, spec in policy["tables"].items() if t in tables}
    if edit is not None:
        edit(policy)
    policy_path = folder / f"{name}.policy.yaml"
    policy_path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    pipeline = yaml.safe_load(DEMO_PIPELINE.read_text(encoding="utf-8"))
    pipeline.update(name=name, policy=str(policy_path), data_root=".", output=f"out-{name}",
                    canaries={"enabled": canaries > 0, "count": canaries})
    pipeline["inputs"] = {t: spec for t, spec in pipeline["inputs"].items() if t in tables}
    path = folder / f"{name}.pipeline.yaml"
    path.write_text(yaml.safe_dump(pipeline, sort_keys=False), encoding="utf-8")
    return path


def k_one(policy: dict[str, Any]) -> None:
    """Risk measured and reported but not gated (k = 1): what Safe Harbor, a rule-based method, requires."""
    policy["risk"]["k"] = 1


def k_five(policy: dict[str, Any]) -> None:
    """A k = 5 threshold that anonymization must reach suppressing at most 5 % of the people: on the demo
    hospital, where every patient is unique on birth year, age, state and ZIP prefix, it cannot."""
    policy["risk"].update(k=5, suppression_limit=0.05, anonymize=True)


def names_tagged(policy: dict[str, Any]) -> None:
    """k = 1, and names in text tagged rather than replaced by realistic surrogates, so that any planted
    name found in the release is a leak (a surrogate can equal another patient's name by chance)."""
    k_one(policy)
    policy["text"]["categories"]["NAME"]["action"] = "tag"


def keep_column(column: str) -> PolicyEdit:
    """A custom policy that releases ``column`` of the patients table unchanged (k = 1)."""

    def edit(policy: dict[str, Any]) -> None:
        k_one(policy)
        policy["profile"] = "custom"
        policy["tables"]["patients"]["columns"][column] = {
            "role": "insensitive", "action": "keep", "reason": "test: released on purpose"}

    return edit
