"""Canaries: planted, found when they survive, removed from the output, reported for the manifest."""

from __future__ import annotations

import re

import polars as pl
import pyarrow as pa
import pytest

from deid.corpus.canaries import (
    CANARY_PREFIX,
    add_canaries,
    check_canaries,
    make_canaries,
    remove_canaries,
)
from deid.corpus.generate import build_corpus
from deid.corpus.hospital import SCHEMAS
from deid.errors import LeakError


@pytest.fixture(scope="module")
def canaries():  # type: ignore[no-untyped-def]
    return make_canaries(3, seed=42)


def scrubbed(tables: dict[str, pa.Table], canaries) -> dict[str, pa.Table]:  # type: ignore[no-untyped-def]
    """A perfect de-identification of the canary tables: direct columns dropped, every gold span tagged."""
    gold = {d.doc_id: d for d in canaries.gold}
    notes = tables["notes"].to_pylist()
    for note in notes:
        doc = gold.get(note["note_id"])
        if doc is not None:
            text = note["text"]
            for span in sorted(doc.spans, key=lambda s: -s.start):
                text = text[:span.start] + f"[{span.label}]" + text[span.end:]
            note["text"] = text
    out = dict(tables)
    out["notes"] = pa.Table.from_pylist(notes, schema=tables["notes"].schema)
    out["patients"] = tables["patients"].select(["patient_id", "sex", "state"])
    out["encounters"] = tables["encounters"].drop_columns(["attending"])
    return out


def test_canaries_are_recognisable_and_deterministic(canaries) -> None:  # type: ignore[no-untyped-def]
    again = make_canaries(3, seed=42)
    assert [v.value for v in again.values] == [v.value for v in canaries.values]
    assert set(canaries.tables) == set(SCHEMAS)
    for name, table in canaries.tables.items():
        assert table.schema == SCHEMAS[name]
        for column in table.column_names:
            if column.endswith("_id") and column != "insurance_id":
                assert all(v.startswith(CANARY_PREFIX) for v in table[column].to_pylist()), (name, column)
    labels = {v.label for v in canaries.values}
    assert {"NAME", "SSN", "MRN", "PHONE", "EMAIL", "ADDRESS"} <= labels
    assert not labels & {"DATE", "AGE", "ZIP", "FACILITY"}


def test_canary_names_are_not_common_names(canaries) -> None:  # type: ignore[no-untyped-def]
    from faker.providers.person.en_US import Provider

    common = {n.lower() for n in (*Provider.first_names, *Provider.last_names)}
    assert len(common) > 1000
    for name in canaries.tables["patients"]["name"].to_pylist():
        assert all(part.lower() not in common for part in name.split())
        assert re.fullmatch(r"[A-Z][a-z]{4,} [A-Z][a-z]{4,}", name)


def test_unscrubbed_canaries_fail(canaries) -> None:  # type: ignore[no-untyped-def]
    report = check_canaries(canaries.tables, canaries)
    assert not report.passed and report.surviving > 0
    assert {s.table for s in report.survivors} >= {"patients", "notes"}
    with pytest.raises(LeakError, match="canary value"):
        report.raise_for_survivors()
    assert all(v.value not in report.model_dump_json() for v in canaries.values)


def test_scrubbed_canaries_pass(canaries) -> None:  # type: ignore[no-untyped-def]
    report = check_canaries(scrubbed(canaries.tables, canaries), canaries)
    searchable = {v.value.lower() for v in canaries.values if sum(c.isalnum() for c in v.value) >= 4}
    assert report.passed and report.surviving == 0 and report.planted == len(searchable)
    report.raise_for_survivors()


def test_one_surviving_name_fails_with_its_location(canaries) -> None:  # type: ignore[no-untyped-def]
    tables = scrubbed(canaries.tables, canaries)
    last = canaries.tables["patients"]["name"][0].as_py().split()[1]
    notes = tables["notes"].to_pylist()
    notes[2]["text"] += f" seen by {last.upper()}"
    tables["notes"] = pa.Table.from_pylist(notes, schema=SCHEMAS["notes"])
    report = check_canaries(tables, canaries)
    assert not report.passed and report.surviving == 1
    (survivor,) = report.survivors
    assert (survivor.table, survivor.column, survivor.row, survivor.label, survivor.match) == (
        "notes", "text", 2, "NAME", "case_insensitive")


def test_add_then_remove_round_trip(canaries) -> None:  # type: ignore[no-untyped-def]
    real = build_corpus(4, 2, seed=1).tables
    real["patients"] = real["patients"].append_column("site", pa.array(["A"] * real["patients"].num_rows))
    mixed = add_canaries(real, canaries)
    assert mixed["patients"].schema == real["patients"].schema
    assert mixed["patients"].num_rows == real["patients"].num_rows + 3
    cleaned, removed = remove_canaries(mixed)
    for name in real:
        assert cleaned[name].equals(real[name]), name
        assert removed[name] == canaries.tables[name].num_rows


def test_remove_by_pseudonymised_keys() -> None:
    frame = pl.DataFrame({"patient_id": ["P-aa", "P-bb", "P-cc"], "x": [1, 2, 3]})
    cleaned, removed = remove_canaries({"t": frame, "other": pl.DataFrame({"y": [1]})}, keys={"P-bb"})
    assert cleaned["t"]["x"].to_list() == [1, 3] and removed == {"t": 1, "other": 0}


def test_report_with_removed(canaries) -> None:  # type: ignore[no-untyped-def]
    report = check_canaries(scrubbed(canaries.tables, canaries), canaries).with_removed({"a": 3, "b": 4})
    assert report.removed_rows == 7 and report.schema_version == 1
