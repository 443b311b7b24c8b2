"""Inputs and consent: which files make a table, header-only schema reads, batches, fingerprints, exclusions."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_helpers import write_table

from deid.errors import InputError
from deid.pipeline import (
    exclude_persons,
    fingerprint,
    input_columns,
    input_files,
    iter_batches,
    load_exclusions,
)

COLUMNS = ["patient_id", "zip", "text"]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_columns_and_batches_per_format(tmp_path: Path, fmt: str) -> None:
    path = write_table(tmp_path / f"t.{fmt}", fmt, COLUMNS, n=5)
    assert input_columns(path, fmt) == COLUMNS  # type: ignore[arg-type]
    reordered = ["text", "patient_id", "zip"]
    batches = list(iter_batches([path], fmt, reordered, batch_rows=2))  # type: ignore[arg-type]
    assert [b.num_rows for b in batches] == [2, 2, 1]
    table = pa.Table.from_batches(batches)
    assert table.column_names == reordered
    assert table.column("zip").to_pylist()[:2] == ["02130", "02131"]  # leading zeros kept


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'"first\nname",zip\n"a\nb",1\n', ["first\nname", "zip"]),
        (b"\xef\xbb\xbfpatient_id,zip\nP1,02130\n", ["patient_id", "zip"]),
        (b"only_header\n", ["only_header"]),
    ],
)
def test_csv_header_forms(tmp_path: Path, content: bytes, expected: list[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    assert input_columns(path, "csv") == expected


@pytest.mark.parametrize(
    ("fmt", "content", "error"),
    [
        ("csv", b"", "no CSV header row"),
        ("csv", b'"never closed\n' * 3, "no CSV header row"),
        ("csv", b"\xff\xfeid\n", "not UTF-8"),
        ("jsonl", b"", "first line of the JSONL file is empty"),
        ("jsonl", b"[1, 2]\n", "not a JSON object"),
        ("jsonl", b'{"a": \n', "not valid JSON"),
        ("parquet", b"PAR1garbagePAR1", "cannot read the parquet schema"),
    ],
)
def test_unreadable_schemas(tmp_path: Path, fmt: str, content: bytes, error: str) -> None:
    path = tmp_path / f"t.{fmt}"
    path.write_bytes(content)
    with pytest.raises(InputError, match=error):
        input_columns(path, fmt)  # type: ignore[arg-type]


def test_folder_inputs_skip_hidden_and_other_formats(tmp_path: Path) -> None:
    folder = tmp_path / "labs"
    for name in ["b/part-1.parquet", "a.parquet", ".hidden.parquet", "_tmp/x.parquet", "notes.csv", "c.PARQUET"]:
        write_table(folder / name, "parquet", COLUMNS)
    assert [p.relative_to(folder).as_posix() for p in input_files(folder, "parquet")] == [
        "a.parquet", "b/part-1.parquet", "c.PARQUET"]
    assert input_files(folder / "a.parquet", "parquet") == [folder / "a.parquet"]
    with pytest.raises(InputError, match="holds no jsonl file"):
        input_files(folder, "jsonl")
    with pytest.raises(InputError, match="no such file or folder"):
        input_files(tmp_path / "nope", "parquet")


def test_fingerprint_follows_content_and_names(tmp_path: Path) -> None:
    a = write_table(tmp_path / "in" / "a.csv", "csv", COLUMNS)
    b = write_table(tmp_path / "in" / "b.csv", "csv", COLUMNS)
    first = fingerprint([a, b], tmp_path / "in")
    assert fingerprint([b, a], tmp_path / "in") == first
    a.write_bytes(a.read_bytes().replace(b"02130", b"02131"))
    assert fingerprint([a, b], tmp_path / "in") != first
    assert fingerprint([a], a) == fingerprint([a], a)


def test_exclusion_list_file(tmp_path: Path) -> None:
    path = tmp_path / "declined.txt"
    path.write_text("\ufeff# opted out 2026-01\nP1\n\n  P7  \n#P9\n")
    assert load_exclusions(path) == frozenset({"P1", "P7"})
    with pytest.raises(InputError, match="exclusion list not found"):
        load_exclusions(tmp_path / "none.txt")


@pytest.mark.parametrize(
    ("keys", "excluded", "kept", "removed"),
    [
        (["P1", "P2", "P1", "P3"], {"P1"}, ["P2", "P3"], 2),
        (["P1", None, "P2"], {"P2"}, ["P1", None], 1),
        ([1, 2, 3], {"2"}, [1, 3], 1),
        (["P1"], set(), ["P1"], 0),
        ([], {"P1"}, [], 0),
    ],
)
def test_exclude_persons(keys: list[object], excluded: set[str], kept: list[object], removed: int) -> None:
    batch = pa.record_batch({"patient_id": pa.array(keys), "row": list(range(len(keys)))})
    out, gone = exclude_persons(batch, "patient_id", frozenset(excluded))
    assert out.column("patient_id").to_pylist() == kept and gone == removed


def test_exclude_persons_needs_the_key_column() -> None:
    with pytest.raises(InputError, match="person key column patient_id"):
        exclude_persons(pa.record_batch({"x": [1]}), "patient_id", frozenset({"1"}))


@settings(max_examples=50, deadline=None)
@given(keys=st.lists(st.sampled_from(["P1", "P2", "P3", "P4"]), max_size=30),
       excluded=st.sets(st.sampled_from(["P1", "P2", "P3", "P9"])))
def test_no_excluded_person_survives(keys: list[str], excluded: set[str]) -> None:
    batch = pa.record_batch({"patient_id": pa.array(keys, pa.string())})
    out, gone = exclude_persons(batch, "patient_id", frozenset(excluded))
    survivors = out.column("patient_id").to_pylist()
    assert not set(survivors) & excluded
    assert len(survivors) + gone == len(keys)
    assert survivors == [k for k in keys if k not in excluded]
