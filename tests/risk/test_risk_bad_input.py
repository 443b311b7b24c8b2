"""Bad input to risk assessment and anonymization: clear errors naming table, column and row, never the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from policy_builders import col, generalize

from deid.errors import ConfigError, DeidError, InputError, PrivacyThresholdError
from deid.risk import anonymize, assess_risk
from deid.risk.hierarchy import load_csv_hierarchy

SECRET = "Quxley"  # never in a message


def _policy(
    make_policy, tmp_path: Path, hierarchy_text: str = "a;ab;*\nb;ab;*\nc;cd;*\nd;cd;*\n", **risk: Any
):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.csv"
    path.write_text(hierarchy_text)
    return make_policy(
        {
            "people": {
                "person_key": None,
                "columns": {"q": generalize(hierarchy=str(path)), "s": col("sensitive", "keep")},
            }
        },
        **risk,
    )


CASES = [
    (
        "missing column",
        {"s": ["x"]},
        InputError,
        "table people: column q of the policy is missing from the data",
    ),
    (
        "column not in policy",
        {"q": ["a"], "s": ["x"], SECRET: ["1"]},
        InputError,
        f"table people: column {SECRET} is in the data but not in the policy",
    ),
    (
        "value absent from hierarchy",
        {"q": ["a", "b", SECRET], "s": ["x", "y", "z"]},
        InputError,
        "table people: column q: the value at row 3 is absent from its hierarchy",
    ),
    (
        "null in a quasi-identifier",
        {"q": ["a", None, "c"], "s": ["x", "y", "z"]},
        InputError,
        "table people: column q (quasi column) is null at row 2",
    ),
    (
        "null in a sensitive column",
        {"q": ["a", "b"], "s": ["x", None]},
        InputError,
        "table people: column s (sensitive column) is null at row 2",
    ),
    (
        "empty table",
        {"q": pl.Series([], dtype=pl.String), "s": pl.Series([], dtype=pl.String)},
        InputError,
        "table people: the table is empty",
    ),
]


@pytest.mark.parametrize(("name", "data", "error", "message"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("entry", ["risk", "anonymize"])
def test_bad_table(
    make_policy,
    tmp_path: Path,
    name: str,
    data: dict[str, Any],
    error: type[DeidError],
    message: str,
    entry: str,
) -> None:  # type: ignore[no-untyped-def]
    policy = _policy(make_policy, tmp_path)
    frame = pl.DataFrame(data)
    with pytest.raises(error) as info:
        if entry == "risk":
            assess_risk(frame, policy, "people")
        else:
            anonymize(frame, policy, "people")
    assert message in str(info.value)
    if name != "column not in policy":  # there the column *name* is the subject, not a value
        assert SECRET not in str(info.value)


HIERARCHIES = [
    ("not monotone", "a;ab;*\nb;ab;*\nc;ab;x\n", "row 3: hierarchy of column q is not monotone"),
    ("ragged", "a;ab;*\nb;ab\n", "row 2: has 2 levels, the first row has 3"),
    ("repeated value", "a;ab;*\na;cd;*\n", "row 2: repeats the value of row 1 with different generalizations"),
    ("conflict after exact repeat", "b;ab;*\na;ab;*\na;ab;*\na;xy;*\n", "row 4: repeats the value of row 2 "),
    ("not monotone after repeat", "a;ab;*\na;ab;*\nb;ab;*\nc;ab;x\n", "row 4: hierarchy of column q is not monotone"),
    ("empty cell", "a;;*\n", "row 1: empty cell"),
    ("empty file", "", "is empty"),
]


IDENTICAL_REPEATS = [  # (file, leaves kept, rows named in the note)
    ("a;ab;*\nb;ab;*\na;ab;*\n", ("a", "b"), "rows 3;"),
    ("a;ab;*\na;ab;*\na;ab;*\nb;ab;*\nb;ab;*\n", ("a", "b"), "rows 2, 3, 5;"),
]


@pytest.mark.parametrize(("text", "leaves", "rows"), IDENTICAL_REPEATS)
def test_identical_repeated_rows_are_accepted_with_a_note(
    tmp_path: Path, text: str, leaves: tuple[str, ...], rows: str
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(text)
    hierarchy = load_csv_hierarchy(path, "q")
    assert hierarchy.leaves == leaves
    assert hierarchy.generalize("a", 1) == "ab" and hierarchy.height == 3
    (note,) = hierarchy.notes
    assert rows in note and "as ARX does" in note


def test_a_hierarchy_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("a;ab;*\nb;ab;*\n")
    assert load_csv_hierarchy(path, "q").leaves == ("a", "b")
    assert load_csv_hierarchy(path, "r").column == "r"  # cached parse, the caller's column name
    path.write_text("a;ab;*\nb;ab;*\nc;cd;*\n")
    assert load_csv_hierarchy(path, "q").leaves == ("a", "b", "c")


@pytest.mark.parametrize(("name", "text", "message"), HIERARCHIES, ids=[h[0] for h in HIERARCHIES])
def test_bad_hierarchy(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_csv_hierarchy(path, "q")


def test_missing_hierarchy_file(make_policy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {"people": {"person_key": None, "columns": {"q": generalize(hierarchy="nowhere.csv")}}}
    )
    with pytest.raises(ConfigError, match="hierarchy file of column q not found"):
        assess_risk(pl.DataFrame({"q": ["a"]}), policy, "people")


def test_unmeetable_threshold_fails_closed(make_policy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = _policy(make_policy, tmp_path, k=10, suppression_limit=0.0)
    frame = pl.DataFrame({"q": ["a", "b", "c"], "s": ["x", "y", "z"]})
    with pytest.raises(PrivacyThresholdError, match="no generalization of q meets k = 10"):
        anonymize(frame, policy, "people")


def test_measuring_only_policy_refuses_to_anonymize(make_policy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = _policy(make_policy, tmp_path, anonymize=False)
    with pytest.raises(ConfigError, match="only measures"):
        anonymize(pl.DataFrame({"q": ["a"], "s": ["x"]}), policy, "people")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["5", SECRET, "7"], "table people: column q: the value at row 2 is not a number"),
        (["5", "12"], "table people: column q: the value at row 2 lies in no interval of level 1"),
    ],
)
def test_interval_hierarchy_errors_name_the_row(make_policy, values: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "people": {
                "person_key": None,
                "columns": {"q": generalize(intervals=[[{"low": 0, "high": 10, "label": "low"}]])},
            }
        }
    )
    with pytest.raises(InputError) as info:
        assess_risk(pl.DataFrame({"q": values}), policy, "people")
    assert message in str(info.value) and SECRET not in str(info.value)


def test_a_release_lacks_dropped_columns_and_must_not_hold_them(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "people": {
                "person_key": None,
                "columns": {"name": col("direct", "drop"), "q": col("quasi", "keep")},
            }
        }
    )
    report = assess_risk(pl.DataFrame({"q": ["a", "a", "*"]}), policy, "people", release=True)
    assert (report.classes, report.k, report.suppressed) == (1, 2, 1)
    with pytest.raises(InputError, match="column name is dropped by the policy but present in the release"):
        assess_risk(pl.DataFrame({"q": ["a"], "name": ["x"]}), policy, "people", release=True)
    with pytest.raises(InputError, match="column name of the policy is missing"):
        assess_risk(pl.DataFrame({"q": ["a"]}), policy, "people")
