"""docs/release.md and the code agree: every manifest, audit and pipeline field and every check is described."""

from __future__ import annotations

from pathlib import Path

import pytest

from deid.pipeline import Pipeline
from deid.release import AuditEntry, Manifest
from deid.release.verify import ALLOWED_USE, CHECKS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "release.md").read_text()


@pytest.mark.parametrize("field", list(Manifest.model_fields))
def test_manifest_field_documented(field: str) -> None:
    assert f"`{field}`" in DOC


@pytest.mark.parametrize("field", list(AuditEntry.model_fields))
def test_audit_field_documented(field: str) -> None:
    assert f"`{field}`" in DOC


@pytest.mark.parametrize("field", list(Pipeline.model_fields))
def test_pipeline_field_documented(field: str) -> None:
    assert f"`{field}" in DOC


@pytest.mark.parametrize("check", [*CHECKS, ALLOWED_USE])
def test_check_documented(check: str) -> None:
    assert f"| `{check}` |" in DOC
