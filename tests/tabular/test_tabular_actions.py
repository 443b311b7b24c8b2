"""Column actions: each rule of the policy applied to a small table, read as a table of cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from policy_builders import col, generalize

from deid.errors import ConfigError, InputError, KeyMaterialError
from deid.pseudonym import date_shift_days, pseudonym
from deid.tabular import ACTIONS, transform_batch, transform_table

KEY = b"k" * 32


def run(
    make_policy, rule: dict[str, Any], values: list[Any], dtype: Any = pl.String, **kwargs: Any
) -> list[Any]:  # type: ignore[no-untyped-def]
    policy = make_policy({"t": {"person_key": None, "columns": {"x": rule}}})
    frame = pl.DataFrame({"x": pl.Series(values, dtype=dtype)})
    lazy, _ = transform_table(frame, policy, "t", keys=KEY, **kwargs)
    return lazy.collect()["x"].to_list()


CASES = [
    ("keep", col("quasi", "keep"), ["a", None], pl.String, ["a", None]),
    ("suppress", col("quasi", "suppress"), ["a", None, "b"], pl.String, ["*", "*", "*"]),
    (
        "year_only text",
        col("quasi", "year_only"),
        ["2021-03-04", "1999-12-31T10:00:00", None],
        pl.String,
        [2021, 1999, None],
    ),
    ("year_only date", col("quasi", "year_only"), [dt.date(2020, 1, 2)], pl.Date, [2020]),
    (
        "age bands",
        col("quasi", "age", band=10, top=90),
        ["0", "39", "89", "90", "104", None],
        pl.String,
        ["0-9", "30-39", "80-89", "90+", "90+", None],
    ),
    ("age band clipped below top", col("quasi", "age", band=20, top=90), [85.0], pl.Float64, ["80-89"]),
    ("age exact", col("quasi", "age", band=None, top=90), [17, 89, 95], pl.Int64, ["17", "89", "90+"]),
    (
        "zip3",
        col("quasi", "zip3"),
        ["02139", "03601", "89012-1234", "10001"],
        pl.String,
        ["021", "000", "000", "100"],
    ),
    ("zip3 integer keeps zeros", col("quasi", "zip3"), [2139, 5901], pl.Int64, ["021", "000"]),
    (
        "top and bottom",
        col("sensitive", "top_bottom_code", bottom=10, top=100),
        ["5", "10", "50", "101"],
        pl.String,
        ["<10", "10", "50", ">100"],
    ),
    (
        "top only",
        col("sensitive", "top_bottom_code", bottom=None, top=2.5),
        [1.5, 3.0],
        pl.Float64,
        ["1.5", ">2.5"],
    ),
    (
        "intervals level 1",
        generalize(
            level=1,
            intervals=[[{"low": 0, "high": 50, "label": "young"}, {"low": 50, "high": 200, "label": "old"}]],
        ),
        ["10", "50", "70"],
        pl.String,
        ["young", "old", "old"],
    ),
    (
        "intervals top",
        generalize(level=2, intervals=[[{"low": 0, "high": 200, "label": "any"}]]),
        ["10"],
        pl.String,
        ["*"],
    ),
    ("prefixes", generalize(level=1, prefixes=[3, 1]), ["02139", "9"], pl.String, ["021**", "9"]),
    ("prefixes level 2", generalize(level=2, prefixes=[3, 1]), ["02139"], pl.String, ["0****"]),
    ("prefixes top", generalize(level=3, prefixes=[3, 1]), ["02139"], pl.String, ["*"]),
    ("search level defaults to 0", generalize(level="search", prefixes=[3]), ["02139"], pl.String, ["02139"]),
]


@pytest.mark.parametrize(("name", "rule", "values", "dtype", "expected"), CASES, ids=[c[0] for c in CASES])
def test_action(make_policy, name, rule, values, dtype, expected) -> None:  # type: ignore[no-untyped-def]
    assert run(make_policy, rule, values, dtype) == expected


def test_every_policy_action_is_registered() -> None:
    from deid.policy.loader import _is_union_tag

    actions = {
        "drop",
        "keep",
        "pseudonym",
        "date_shift",
        "year_only",
        "age",
        "zip3",
        "generalize",
        "top_bottom_code",
        "suppress",
        "scrub",
    }
    assert set(ACTIONS) == actions
    assert all(_is_union_tag(a) for a in actions)


def test_drop_removes_the_column_and_records_why(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "t": {
                "person_key": None,
                "columns": {
                    "name": col("direct", "drop", reason="Names (A) are removed"),
                    "x": col("quasi", "keep"),
                },
            }
        }
    )
    lazy, result = transform_table(pl.DataFrame({"name": ["Ann"], "x": ["1"]}), policy, "t")
    assert lazy.collect().columns == ["x"]
    record = result.columns[0]
    assert (record.column, record.action, record.reason, record.released) == (
        "name",
        "drop",
        "Names (A) are removed",
        False,
    )
    assert result.rows == 1


def test_csv_hierarchy_level(make_policy, shared) -> None:  # type: ignore[no-untyped-def]
    path = str(shared / "data" / "adult" / "adult_hierarchy_education.csv")
    out = run(make_policy, generalize(level=2, hierarchy=path), ["Bachelors", "11th"])
    assert out == ["Higher education", "Secondary education"]


def test_pseudonym_uses_the_shared_hmac(make_policy) -> None:  # type: ignore[no-untyped-def]
    out = run(make_policy, col("direct", "pseudonym", prefix="P-"), ["123", None, "123", "456"])
    assert out == [
        pseudonym(KEY, "123", "P-"),
        None,
        pseudonym(KEY, "123", "P-"),
        pseudonym(KEY, "456", "P-"),
    ]


def test_pseudonym_of_integers_matches_their_text(make_policy) -> None:  # type: ignore[no-untyped-def]
    assert run(make_policy, col("direct", "pseudonym", prefix=""), [42], pl.Int64) == [
        pseudonym(KEY, "42", "")
    ]


def _dated_policy(make_policy):  # type: ignore[no-untyped-def]
    return make_policy(
        {
            "t": {
                "person_key": "pid",
                "columns": {
                    "pid": col("person_key", "pseudonym", prefix="P-"),
                    "seen": col("quasi", "date_shift"),
                    "seen_at": col("quasi", "date_shift"),
                },
            }
        }
    )


def test_date_shift_is_the_persons_offset(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = _dated_policy(make_policy)
    frame = pl.DataFrame(
        {
            "pid": ["p1", "p2", "p1"],
            "seen": ["2020-01-31", "2020-02-29", None],
            "seen_at": [dt.datetime(2020, 1, 1, 8, 30), dt.datetime(2020, 1, 1), dt.datetime(2021, 6, 1)],
        }
    )
    out = transform_table(frame, policy, "t", keys=KEY)[0].collect()
    d1, d2 = date_shift_days(KEY, "p1"), date_shift_days(KEY, "p2")
    assert out["seen"].to_list() == [
        (dt.date(2020, 1, 31) + dt.timedelta(days=d1)).isoformat(),
        (dt.date(2020, 2, 29) + dt.timedelta(days=d2)).isoformat(),
        None,
    ]
    assert out["seen_at"][0] == dt.datetime(2020, 1, 1, 8, 30) + dt.timedelta(days=d1)
    assert out["seen_at"][2] - dt.datetime(2021, 6, 1) == dt.timedelta(days=d1)
    assert out["pid"].to_list()[0] == pseudonym(KEY, "p1", "P-")


def test_date_shift_keeps_the_time_of_iso_text(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = _dated_policy(make_policy)
    frame = pl.DataFrame(
        {"pid": ["p1"], "seen": ["2020-01-31T08:15:00"], "seen_at": [dt.datetime(2020, 1, 1)]}
    )
    out = transform_table(frame, policy, "t", keys=KEY)[0].collect()
    shifted = dt.date(2020, 1, 31) + dt.timedelta(days=date_shift_days(KEY, "p1"))
    assert out["seen"][0] == f"{shifted.isoformat()}T08:15:00"


def test_scrub_sends_each_text_once_with_its_person(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "t": {
                "person_key": "pid",
                "columns": {"pid": col("person_key", "drop"), "note": col("insensitive", "scrub")},
            }
        }
    )
    calls: list[tuple[list[str | None], list[str | None]]] = []

    def scrub(texts: list[str | None], people: list[str | None]) -> list[str | None]:
        calls.append((texts, people))
        return [None if t is None else t.upper() for t in texts]

    frame = pl.DataFrame({"pid": ["a", "b"], "note": ["seen today", None]})
    out = transform_table(frame, policy, "t", scrub_texts=scrub)[0].collect()
    assert out["note"].to_list() == ["SEEN TODAY", None]
    pairs = sorted((p, t or "") for texts, people in calls for t, p in zip(texts, people, strict=True))
    assert pairs == [("a", "seen today"), ("b", "")]


@pytest.mark.parametrize(
    ("rule", "kwargs", "error", "words"),
    [
        (col("insensitive", "scrub"), {}, ConfigError, "no note scrubber was given"),
        (
            col("direct", "pseudonym", prefix=""),
            {"keys": None},
            KeyMaterialError,
            "needs the pseudonymization key",
        ),
        (col("quasi", "date_shift"), {}, ConfigError, "no person_key"),
    ],
)
def test_missing_collaborator_is_a_clear_error(make_policy, rule, kwargs, error, words) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy({"t": {"person_key": None, "columns": {"x": rule}}})
    frame = pl.DataFrame({"x": ["2020-01-01"]})
    with pytest.raises(error, match=words):
        transform_table(frame, policy, "t", **{"keys": KEY, **kwargs})


def test_arrow_batch_matches_the_lazy_frame(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy(
        {
            "t": {
                "person_key": None,
                "columns": {
                    "id": col("direct", "pseudonym", prefix="X"),
                    "age": col("quasi", "age", band=5, top=90),
                    "zip": col("quasi", "zip3"),
                    "name": col("direct", "drop"),
                },
            }
        }
    )
    frame = pl.DataFrame(
        {"id": ["1", "2"], "age": ["33", "97"], "zip": ["03601", "94110"], "name": ["A", "B"]}
    )
    batch = frame.to_arrow().to_batches()[0]
    out = transform_batch(batch, policy, "t", keys=KEY)
    assert isinstance(out, pa.RecordBatch)
    assert pl.from_arrow(out).equals(transform_table(frame, policy, "t", keys=KEY)[0].collect())


def test_arrow_batch_numbers_rows_across_batches(make_policy) -> None:  # type: ignore[no-untyped-def]
    policy = make_policy({"t": {"person_key": None, "columns": {"age": col("quasi", "age", band=5, top=90)}}})
    batch = pa.RecordBatch.from_pydict({"age": ["1", "two"]})
    with pytest.raises(InputError, match="row 1002 is not a number"):
        transform_batch(batch, policy, "t", row_offset=1000)
