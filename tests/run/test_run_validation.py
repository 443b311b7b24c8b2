"""The Great Expectations suite the policy implies: each check fails on the output it exists to catch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from run_helpers import safe_harbor

from deid.policy import policy_from_document
from deid.policy.models import Policy
from deid.validation import TableContext, build_checks, validate_outputs
from deid.validation.suite import CLASS_SIZE, class_sizes


def _policy(k: int = 2) -> Policy:
    document = safe_harbor()
    document["tables"] = {"patients": document["tables"]["patients"]}
    document["risk"]["k"] = k
    return policy_from_document(document)


def _good() -> dict[str, list[Any]]:
    """Four released patients in two classes of two, as Safe Harbor releases them."""
    return {
        "patient_id": [f"P-{i:016x}" for i in range(4)],
        "dob": ["1950", "1950", "1980", "1980"],
        "age": ["73", "73", "90+", "90+"],
        "sex": ["F", "F", "M", "M"],
        "state": ["MA", "MA", "NY", "NY"],
        "zip": ["021", "021", "000", "000"],
    }


def _set(column: str, value: Any) -> Callable[[dict[str, list[Any]]], None]:
    def edit(rows: dict[str, list[Any]]) -> None:
        rows[column] = [value, *rows[column][1:]]

    return edit


def _add(column: str) -> Callable[[dict[str, list[Any]]], None]:
    def edit(rows: dict[str, list[Any]]) -> None:
        rows[column] = ["x"] * 4

    return edit


CASES = [
    pytest.param(_set("state", "SSN 123-45-6789"), "expect_column_values_to_not_match_regex_list", "state", id="ssn"),
    pytest.param(_set("sex", "(617) 555-0123"), "expect_column_values_to_not_match_regex_list", "sex", id="phone"),
    pytest.param(_set("state", "a.b@example.org"), "expect_column_values_to_not_match_regex_list", "state",
                 id="email"),
    pytest.param(_set("sex", "MRN: 12345678"), "expect_column_values_to_not_match_regex_list", "sex", id="mrn"),
    pytest.param(_set("zip", "036"), "expect_column_values_to_not_be_in_set", "zip", id="restricted-zip3"),
    pytest.param(_set("zip", "02134"), "expect_column_values_to_match_regex", "zip", id="five-digit-zip"),
    pytest.param(_set("dob", "1950-03-04"), "expect_column_values_to_match_regex", "dob", id="full-date"),
    pytest.param(_set("age", "95"), "expect_column_values_to_match_regex", "age", id="age-over-89"),
    pytest.param(_set("patient_id", "P000001"), "expect_column_values_to_match_regex", "patient_id",
                 id="raw-identifier"),
    pytest.param(_add("ssn"), "expect_table_columns_to_match_set", None, id="dropped-column-released"),
    pytest.param(_set("sex", "M"), "expect_column_min_to_be_between", None, id="class-below-k"),
]


def _run(rows: dict[str, list[Any]], expected_rows: int = 4) -> list[Any]:
    return validate_outputs({"patients": pa.table(rows)}, _policy(), {"patients": expected_rows})


def test_released_table_passes_every_check() -> None:
    records = _run(_good())
    assert records and all(r.passed for r in records), [r for r in records if not r.passed]
    names = {r.name for r in records}
    assert {"expect_table_columns_to_match_set", "expect_column_values_to_not_match_regex_list",
            "expect_column_values_to_not_be_in_set", "expect_column_min_to_be_between",
            "expect_table_row_count_to_equal"} <= names


@pytest.mark.parametrize(("edit", "expectation", "column"), CASES)
def test_each_check_catches_its_defect(edit: Callable[[dict[str, list[Any]]], None], expectation: str,
                                       column: str | None) -> None:
    rows = _good()
    edit(rows)
    failed = [(r.name, r.column) for r in _run(rows) if not r.passed]
    assert (expectation, column) in failed


def test_row_count_is_checked() -> None:
    failed = [r for r in _run(_good(), expected_rows=5) if not r.passed]
    assert [(r.name, r.figures.get("observed_value")) for r in failed] == [("expect_table_row_count_to_equal", 4)]


def test_records_never_hold_values() -> None:
    rows = _good()
    _set("state", "SSN 123-45-6789")(rows)
    text = " ".join(r.model_dump_json() for r in _run(rows))
    assert "123-45-6789" not in text and "6789" not in text


def test_checks_follow_the_policy() -> None:
    checks = build_checks(TableContext(table="patients", policy=_policy(), columns=list(_good()), expected_rows=4,
                                       quasi_identifiers=["dob", "age", "sex", "state", "zip"]))
    by_column = {(c.expectation, c.column) for c in checks}
    assert ("ExpectColumnValuesToNotBeInSet", "zip") in by_column
    assert ("ExpectColumnValuesToMatchRegex", "dob") in by_column
    assert all(c.column is None or c.column in _good() for c in checks)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["a", "b", "*"]), st.sampled_from(["x", "*"])),
                min_size=1, max_size=40))
def test_class_sizes_count_every_person_not_suppressed_once(rows: list[tuple[int, str, str]]) -> None:
    frame = pl.DataFrame(rows, schema=["person", "q1", "q2"], orient="row")
    sizes = class_sizes(frame, ["q1", "q2"], "person")
    people = frame.group_by("person").agg((pl.col("q1") == "*").all() & (pl.col("q2") == "*").all())
    suppressed = int(people["q1"].sum())
    assert int(sizes[CLASS_SIZE].sum()) == people.height - suppressed
    assert (sizes[CLASS_SIZE] >= 1).all()
