"""No identifier from the input appears in any report, even when the released data is full of them.

The sample release here carries its notes unscrubbed on purpose, so its data holds every value the corpus
generator planted; the report is built from the manifest and audit only, so none may reach it.
"""

from __future__ import annotations

import polars as pl
import pytest

from deid.corpus.planted import PlantedIndex, PlantedValue, planted_values
from deid.report import build_report, render
from deid.report.sample import SampleRelease

DIRECT = ("name", "ssn", "mrn", "address", "city", "phone", "email", "insurance_id", "zip")


def _index(sample: SampleRelease) -> PlantedIndex:
    values = planted_values(sample.corpus.gold)
    for row in sample.corpus.tables["patients"].to_pylist():
        values += [PlantedValue(str(row[c]), c, row["patient_id"]) for c in DIRECT]
    values += [PlantedValue(str(row["patient_id"]), "MRN", row["patient_id"])
               for row in sample.corpus.tables["patients"].to_pylist()]
    return PlantedIndex(values)


def _hits(index: PlantedIndex, text: str) -> list[str]:
    return sorted({m.planted.label for m in index.find(pl.Series(text.splitlines(), dtype=pl.String))})


def test_the_data_does_hold_planted_values(raw_sample: SampleRelease) -> None:
    notes = pl.read_parquet(next((raw_sample.path / "data" / "notes").glob("*.parquet")))
    assert len(_index(raw_sample)) > 500
    assert _hits(_index(raw_sample), "\n".join(notes["text"].to_list()))   # the check below can fail


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_no_planted_value_in_the_report(raw_sample: SampleRelease, fmt: str) -> None:
    text = render(build_report(raw_sample.path), fmt)
    assert _hits(_index(raw_sample), text) == []


@pytest.mark.parametrize("name", ["report.html", "report.md", "report.json"])
def test_no_planted_value_in_the_attached_report(raw_sample: SampleRelease, name: str) -> None:
    text = (raw_sample.path / "reports" / name).read_text(encoding="utf-8")
    assert _hits(_index(raw_sample), text) == []
