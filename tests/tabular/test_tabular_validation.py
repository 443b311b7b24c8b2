"""Bad input to the transforms: each a clear error naming table, column and row, never the value."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from policy_builders import col, generalize

from deid.errors import InputError
from deid.tabular import transform_table

SECRET = "Zebulon-4471"  # a value that must never appear in a message


def _hierarchy(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "h.csv"
    path.write_text("a;ab;*\nb;ab;*\nc;cd;*\n")
    return str(path)


BAD = [
    ("date that is not a date", col("quasi", "year_only"), ["2020-01-01", SECRET], "row 2 is not a date"),
    (
        "age that is not a number",
        col("quasi", "age", band=10, top=90),
        ["40", "41", SECRET],
        "row 3 is not a number",
    ),
    ("zip without digits", col("quasi", "zip3"), [SECRET], "row 1 is not a ZIP code"),
    (
        "top/bottom not a number",
        col("sensitive", "top_bottom_code", bottom=1, top=5),
        [SECRET],
        "row 1 is not a number",
    ),
    (
        "interval not covering",
        generalize(level=1, intervals=[[{"low": 0, "high": 10, "label": "low"}]]),
        ["5", "12"],
        "row 2 lies in no interval of level 1",
    ),
]


@pytest.mark.parametrize(("name", "rule", "values", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_value(make_policy, name: str, rule: dict[str, Any], values: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy({"visits": {"person_key": None, "columns": {"x": rule}}})
    with pytest.raises(InputError) as info:
        transform_table(pl.DataFrame({"x": values}), policy, "visits")
    text = str(info.value)
    assert message in text and "table visits: column x" in text
    assert SECRET not in text


def test_value_absent_from_hierarchy(make_policy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "visits": {
                "person_key": None,
                "columns": {"x": generalize(level=1, hierarchy=_hierarchy(tmp_path))},
            }
        }
    )
    with pytest.raises(
        InputError, match=r"table visits: column x: the value at row 3 is absent from its hierarchy"
    ):
        transform_table(pl.DataFrame({"x": ["a", "c", SECRET]}), policy, "visits")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"x": ["1"], "extra": ["2"]}, "table visits: column extra is in the data but not in the policy"),
        ({"y": ["1"]}, "table visits: column x of the policy is missing from the data"),
    ],
)
def test_columns_must_match_the_policy(make_policy, data: dict[str, list[str]], message: str) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "visits": {
                "person_key": None,
                "columns": {
                    "x": col("quasi", "keep"),
                    **({"y": col("quasi", "keep")} if "y" in data else {}),
                },
            }
        }
    )
    with pytest.raises(InputError, match=message):
        transform_table(pl.DataFrame(data), policy, "visits")
