"""docs/release.md describes what a run does: every step, every result field, every expectation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deid.pipeline.run import RunResult
from deid.policy import load_policy
from deid.validation import CHECK_BUILDERS, TableContext, build_checks

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "release.md").read_text()
SECTION = DOC[DOC.index("## Running a pipeline"):]
STEPS = ["read <table>", "plant canaries", "collect patient identifiers", "scrub <table>.<columns>",
         "transform <table>", "check canaries", "risk <table>", "residual scan", "validate", "write <table>",
         "report", "gate"]
EXPECTATIONS = ["expect_table_columns_to_match_set", "expect_column_values_to_match_regex",
                "expect_column_values_to_not_match_regex_list", "expect_column_values_to_not_be_in_set",
                "expect_column_min_to_be_between", "expect_table_row_count_to_equal"]


@pytest.mark.parametrize("field", list(RunResult.model_fields))
def test_run_result_field_documented(field: str) -> None:
    assert f"`{field}`" in SECTION


@pytest.mark.parametrize("step", STEPS)
def test_step_documented(step: str) -> None:
    assert f"| `{step}` |" in SECTION


@pytest.mark.parametrize("expectation", EXPECTATIONS)
def test_expectation_documented(expectation: str) -> None:
    assert f"`{expectation}`" in SECTION


@pytest.mark.parametrize("table", ["patients", "encounters", "labs", "notes"])
def test_every_expectation_the_suite_builds_is_documented(table: str) -> None:
    policy = load_policy(ROOT / "policies" / "safe-harbor.yaml")
    ctx = TableContext(table=table, policy=policy, columns=list(policy.tables[table].columns), expected_rows=1,
                       quasi_identifiers=policy.quasi_identifiers(table))
    built = {re.sub(r"(?<!^)(?=[A-Z])", "_", c.expectation).lower() for c in build_checks(ctx)}
    assert built and built <= set(EXPECTATIONS)
    assert len(CHECK_BUILDERS) >= 6


@pytest.mark.parametrize("command", ["deid run", "deid demo"])
def test_command_documented(command: str) -> None:
    assert f"{command} " in SECTION
