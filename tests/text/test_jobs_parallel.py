"""Large inputs run on several processes: the output must be byte-identical to one process, in input order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deid.text import Detector
from deid.text.jobs import PARALLEL_MIN_BYTES, detect_file, worker_count

NOTES = [
    "Pt seen by Dr. Lavely on 3/14. Daughter Peggy Quilbri called from 617-555-0123.",
    "NO CHANGES OVERNIGHT. BP 120/80. PLAN: CONTINUE LASIX.",
    "transferred from harbor hospital 8/23, wife rose at bedside.",
]


@pytest.mark.slow
def test_workers_give_the_same_output_in_order(detector: Detector, tmp_path: Path) -> None:
    source = tmp_path / "notes.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for i in range(600):  # three batches of the reader's 256 rows
            fh.write(json.dumps({"doc_id": f"n{i}", "text": NOTES[i % len(NOTES)] + f" Bed {i}."}) + "\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    detect_file(source, one, detector, workers=1)
    summary = detect_file(source, two, detector, workers=2)
    assert summary.documents == 600
    assert one.read_bytes() == two.read_bytes()
    ids = [json.loads(line)["doc_id"] for line in two.read_text().splitlines()]
    assert ids == [f"n{i}" for i in range(600)]


def test_worker_count_uses_all_cores_only_for_large_inputs(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("{}\n")
    assert worker_count(small, 0) == 1
    assert worker_count(small, 3) == 3
    large = tmp_path / "large.jsonl"
    large.write_bytes(b" " * PARALLEL_MIN_BYTES)
    assert worker_count(large, 0) == (os.cpu_count() or 1)
    assert worker_count(tmp_path / "missing.jsonl", 0) == 1
