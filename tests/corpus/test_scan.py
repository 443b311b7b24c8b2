"""The residual scan: patterns, identifying columns, the policy's explanations, and planted values."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from deid.corpus.gold import GoldDoc, GoldSpan, read_gold
from deid.corpus.planted import PlantedIndex, PlantedValue, planted_values
from deid.corpus.scan import CELL_PATTERNS, scan_path
from deid.errors import InputError, LeakError

PATTERNS = {p.category.value: p for p in CELL_PATTERNS}


@pytest.mark.parametrize(("category", "text", "found"), [
    ("SSN", "ssn 123-45-6789 on file", "123-45-6789"),
    ("SSN", "ssn 123 45 6789", "123 45 6789"),
    ("SSN", "lot 000-12-3456", None),
    ("SSN", "mixed 123-45 6789", None),
    ("PHONE", "call (617) 555-0123 today", "(617) 555-0123"),
    ("PHONE", "call 617.555.0123", "617.555.0123"),
    ("PHONE", "call +1 617 555 0123", "+1 617 555 0123"),
    ("PHONE", "BP 120/80, Na 138", None),
    ("EMAIL", "mail jo.smith@example.org.", "jo.smith@example.org"),
    ("EMAIL", "a @ b", None),
    ("MRN", "MRN: 12345678", "12345678"),
    ("MRN", "Medical Record Number 1234567", "1234567"),
    ("MRN", "12345678 alone", None),
    ("IP_ADDRESS", "from 73.12.44.201;", "73.12.44.201"),
    ("IP_ADDRESS", "version 1.2.3.400", None),
    ("URL", "see https://www.caringbridge.org/visit/janedoe.", "https://www.caringbridge.org/visit/janedoe"),
    ("URL", "see www.example.com", "www.example.com"),
    ("URL", "K 4.1, Cr 1.2", None),
])
def test_cell_patterns(category: str, text: str, found: str | None) -> None:
    pattern = PATTERNS[category]
    match = pattern.regex.search(text)
    assert (match.group(pattern.group) if match else None) == found
    if found is not None:  # the polars prefilter must let every real match through
        assert pl.Series([text]).str.contains(pattern.prefilter).item()


@pytest.mark.parametrize(("cell", "hits"), [
    ("seen by John Smith today", [("John Smith", True)]),
    ("SEEN BY JOHN SMITH TODAY", [("John Smith", False)]),
    ("johnsmithson", []),                    # glued to letters: not the value
    ("ref 12345678.", [("12345678", True)]),
    ("ref 123456789", []),                    # a longer number is a different number
    ("5/13 and JS", []),                      # too short to search
])
def test_planted_index(cell: str, hits: list[tuple[str, bool]]) -> None:
    index = PlantedIndex([PlantedValue("John Smith", "NAME", "d1"), PlantedValue("12345678", "MRN", "d1"),
                          PlantedValue("5/13", "DATE", "d1"), PlantedValue("JS", "NAME", "d1")])
    assert index.skipped_short == 2
    found = [(m.planted.value, m.exact) for m in index.find(pl.Series([cell]))]
    assert found == hits


def test_planted_values_are_distinct_and_filterable() -> None:
    doc = GoldDoc(doc_id="d", group_id="g", source="t", text="Ann Ann 5/13",
                  spans=[GoldSpan(start=0, end=3, label="NAME", text="Ann"),
                         GoldSpan(start=4, end=7, label="NAME", text="Ann"),
                         GoldSpan(start=8, end=12, label="DATE", text="5/13")])
    assert [p.value for p in planted_values([doc])] == ["Ann", "5/13"]
    assert [p.value for p in planted_values([doc], labels={"DATE"})] == ["5/13"]


def test_scanner_finds_a_planted_value_hidden_in_a_parquet_column(tmp_path: Path, small_hospital: Path,
                                                                  corpus_cli: typer.Typer, runner: CliRunner) -> None:
    gold = read_gold(small_hospital / "gold.jsonl")
    mrn = next(s.text for d in gold for s in d.spans if s.label == "MRN")
    name = next(s.text for d in gold for s in d.spans if s.label == "NAME" and " " in s.text)
    data = tmp_path / "release"
    data.mkdir()
    rows = [f"code {i}" for i in range(500)]
    rows[137] = f"batch ref {mrn} ok"
    rows[401] = f"reviewed by {name.upper()}"
    pq.write_table(pa.table({"row_id": list(range(500)), "memo": rows}), data / "export.parquet")
    report = scan_path(data, planted_path=small_hospital / "gold.jsonl", use_detector=False)
    hits = {(h.column, h.row, h.label, h.match) for h in report.planted_hits}
    assert ("memo", 137, "MRN", "exact") in hits
    assert ("memo", 401, "NAME", "case_insensitive") in hits
    assert not report.clean
    assert mrn not in report.model_dump_json() and name.upper() not in report.model_dump_json()
    result = runner.invoke(corpus_cli, ["scan", str(data), "--planted", str(small_hospital / "gold.jsonl"),
                                        "--no-detector"])
    assert result.exit_code == LeakError.exit_code
    assert "[memo] row 137" in result.stdout


def test_clean_table_passes(tmp_path: Path, corpus_cli: typer.Typer, runner: CliRunner) -> None:
    path = tmp_path / "labs.csv"
    pl.DataFrame({"lab_id": ["L-3fa9c0d2e4b5a6f7", "L-0011223344556677"], "test": ["K", "Na"],
                  "value": ["4.1", "138"], "bp": ["120/80", "118/76"]}).write_csv(path)
    report = scan_path(path, use_detector=False)
    assert report.clean and report.cells_scanned == 8
    result = runner.invoke(corpus_cli, ["scan", str(path), "--no-detector", "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text())["schema_version"] == 1


@pytest.mark.parametrize(("column", "values", "category"), [
    ("ssn", ["123-45-6789", "234-56-7890"], "SSN"),
    ("contact", ["(617) 555-0123", "617-555-0199"], "PHONE"),
    ("who", ["a.b@example.org", "c@example.com"], "EMAIL"),
    ("full_name", ["Ann Lee", "Bo Chan"], "NAME"),
    ("zip", ["02114", "10027"], "ZIP"),
    ("mrn", [12345678, 23456789], "MRN"),
    ("dob", [date(1950, 1, 2), date(1960, 3, 4)], "DATE"),
    ("age", [45, 93], "AGE"),
])
def test_identifying_columns(tmp_path: Path, column: str, values: list[object], category: str) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({column: values}).write_parquet(path)
    report = scan_path(path, use_detector=False)
    assert [(c.column, c.category) for c in report.columns] == [(column, category)]
    assert not report.clean


@pytest.mark.parametrize(("column", "values"), [
    ("name", ["*", "*"]),                                      # suppressed
    ("patient_name", ["P-3fa9c0d2e4b5a6f7", "P-0011223344556677"]),  # pseudonym tokens
    ("zip", ["021", "000"]),                                   # zip3
    ("age", ["90+", "45"]),                                    # top-coded
    ("dob", ["1950", "1960"]),                                 # year only
])
def test_deidentified_columns_are_not_flagged(tmp_path: Path, column: str, values: list[str]) -> None:
    path = tmp_path / "t.csv"
    pl.DataFrame({column: values}).write_csv(path)
    assert scan_path(path, use_detector=False).columns == []


def test_policy_explains_released_columns(tmp_path: Path, root: Path) -> None:
    folder = tmp_path / "rel"
    folder.mkdir()
    pl.DataFrame({"patient_id": ["P-3fa9c0d2e4b5a6f7"], "admit_date": [date(2020, 1, 2)],
                  "ward": ["4 West"]}).write_parquet(folder / "encounters.parquet")
    policy = root / "policies" / "expert-determination.yaml"
    report = scan_path(folder, policy_path=policy, use_detector=False)
    (finding,) = report.columns
    assert finding.column == "admit_date" and finding.expected and "date_shift" in (finding.policy_reason or "")
    assert report.clean
    assert not scan_path(folder, use_detector=False).clean  # without the policy, full dates are findings


def test_scan_reads_jsonl_with_nested_values(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": 1, "meta": {"contact": "call 617-555-0123"}}) + "\n")
    report = scan_path(path, use_detector=False)
    assert [(f.column, f.category) for f in report.cell_findings] == [("meta", "PHONE")]


@pytest.mark.parametrize("name", ["missing", "notes.txt"])
def test_bad_paths(tmp_path: Path, name: str) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError):
        scan_path(tmp_path / name)
