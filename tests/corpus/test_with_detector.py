"""The corpus commands with the real detector (deid.text): generate, evaluate --policy, scan free text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from deid.corpus import scan_path
from deid.errors import LeakError


@pytest.mark.slow
def test_generate_then_evaluate_with_the_detector(tmp_path: Path, root: Path, corpus_cli: typer.Typer,
                                                  runner: CliRunner) -> None:
    out = tmp_path / "h"
    result = runner.invoke(corpus_cli, ["corpus", "generate", str(out), "--patients", "3",
                                        "--notes-per-patient", "2", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert "3 patients, 6 notes" in result.stdout
    summary = json.loads((out / "corpus.json").read_text())
    junit = tmp_path / "j.xml"
    result = runner.invoke(corpus_cli, ["corpus", "evaluate", str(out / "gold.jsonl"), "--policy",
                                        str(root / "policies" / "safe-harbor.yaml"), "--records", str(out),
                                        "--junit", str(junit), "--min-recall", "0.5"])
    assert result.exit_code == 0, result.output
    assert f"gold spans: {summary['gold_spans']}" in result.stdout
    properties = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert float(properties["strict_recall"] or 0) >= 0.5 and float(properties["precision"] or 0) > 0.5


@pytest.mark.slow
def test_scan_finds_phi_in_a_free_text_column(tmp_path: Path) -> None:
    notes = ["Pt seen today. BP 120/80, K 4.1. Continue metoprolol 25 mg PO BID. Plan: follow up in clinic.",
             "Discharged with daughter Jennifer Whitaker, who will call Dr. Okafor about the results."]
    pq.write_table(pa.table({"note_id": ["a", "b"], "text": notes}), tmp_path / "notes.parquet")
    report = scan_path(tmp_path / "notes.parquet")
    assert report.files[0].text_columns == ["text"]
    rows = {(f.column, f.row, f.category) for f in report.cell_findings}
    assert ("text", 1, "NAME") in rows
    assert not any(f.row == 0 for f in report.cell_findings), "clinical look-alikes are not PHI"
    with pytest.raises(LeakError):
        report.raise_for_findings()
