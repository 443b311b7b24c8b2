"""Shared helpers of the pipeline tests: the demo hospital's schema, input files and pipeline documents."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

ROOT = Path(__file__).resolve().parents[2]
SAFE_HARBOR = ROOT / "policies" / "safe-harbor.yaml"
EXT = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}

#: The demo hospital's tables (the columns policies/safe-harbor.yaml describes).
DEMO_COLUMNS: dict[str, list[str]] = {
    "patients": ["patient_id", "name", "dob", "age", "sex", "ssn", "mrn", "address", "city", "state", "zip",
                 "phone", "email", "insurance_id"],
    "encounters": ["encounter_id", "patient_id", "admit_date", "discharge_date", "diagnosis_code", "ward",
                   "attending"],
    "labs": ["lab_id", "patient_id", "encounter_id", "test", "value", "unit", "taken_at"],
    "notes": ["note_id", "patient_id", "encounter_id", "note_type", "note_date", "text"],
}


def rows_for(columns: list[str], n: int = 3) -> dict[str, list[str]]:
    """Placeholder values (no PHI): column name and row number; ZIP-like codes keep a leading zero."""
    return {c: [f"0{2130 + i}" if c == "zip" else (f"P{i}" if c == "patient_id" else f"{c}-{i}") for i in range(n)]
            for c in columns}


def write_table(path: Path, fmt: str, columns: list[str], n: int = 3) -> Path:
    """Write one input file of ``columns`` in ``fmt``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = rows_for(columns, n)
    if fmt == "parquet":
        pq.write_table(pa.table(data), path)
    elif fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(zip(*(data[c] for c in columns), strict=True))
    else:
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps({c: data[c][i] for c in columns}) + "\n" for i in range(n))
    return path


def write_inputs(root: Path, fmt: str = "parquet", n: int = 3) -> None:
    """The four demo tables under ``root/hospital`` and an exclusion list naming person P1."""
    for table, columns in DEMO_COLUMNS.items():
        write_table(root / "hospital" / f"{table}.{EXT[fmt]}", fmt, columns, n)
    (root / "hospital" / "declined.txt").write_text("# declined research use\nP1\n")


def pipeline_doc(fmt: str = "parquet", policy: Path = SAFE_HARBOR) -> dict[str, Any]:
    """A valid pipeline document over :func:`write_inputs`' files (data_root is the pipeline's folder)."""
    return {
        "schema_version": 1,
        "name": "test",
        "version": "1.0.0",
        "description": "Test pipeline over placeholder tables.",
        "policy": str(policy),
        "data_root": ".",
        "inputs": {
            table: {"path": f"hospital/{table}.{EXT[fmt]}", "format": fmt, "person_key": "patient_id",
                    "text_columns": ["text"] if table == "notes" else []}
            for table in DEMO_COLUMNS
        },
        "output": "out",
        "engine": "local",
        "canaries": {"enabled": True, "count": 5},
        "risk_population": None,
        "exclusions": "hospital/declined.txt",
        "allowed_use": {"purposes": ["research"], "consumers": ["ml-team"], "expires": "2030-06-30"},
    }


def write_pipeline(folder: Path, doc: dict[str, Any], name: str = "pipeline.yaml") -> Path:
    """Write ``doc`` as YAML into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
